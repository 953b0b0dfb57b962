"""The statistics page's components: filters (initialised from the URL), tabs, charts, tables, exports."""

from __future__ import annotations

from typing import Any

from dash import dash_table, dcc, html

from analytics.filters import GRANULARITIES, PRESETS, Filters
from pages import _statistics_tables as tables

GRAPH_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
CHARTS = ("stats-volume", "stats-wait", "stats-sl", "stats-heatmap", "stats-outcomes", "stats-ratings")
Initial = dict[str, dict[str, Any]]  # component id -> properties the server filled in (see statistics.layout)
EXPORTS = (("chats", ("csv", "xlsx", "parquet")), ("summary", ("csv", "xlsx")))


def _field(label: str, control: Any) -> html.Label:
    return html.Label(className="stats-field", children=[label, control])


def filter_bar(t: dict[str, str], f: Filters, initial: Initial) -> html.Div:
    """The controls showing the filters the server read from the URL."""
    return html.Div(className="stats-filters", children=[
        _field(t["period"], dcc.Dropdown(id="stats-preset", value=f.preset, clearable=False,
                                         options=[{"label": t[p], "value": p} for p in PRESETS])),
        _field(f"{t['from']} – {t['to']}", dcc.DatePickerRange(
            id="stats-dates", start_date=f.start.isoformat(), end_date=f.end.isoformat(),
            display_format="YYYY-MM-DD", first_day_of_week=1)),
        _field(t["channels"], dcc.Dropdown(id="stats-channels", multi=True, value=list(f.channels),
                                           placeholder=t["all_channels"],
                                           options=initial.get("stats-channels", {}).get("options", []))),
        _field(t["agents"], dcc.Dropdown(id="stats-agents", multi=True, value=list(f.agents),
                                         placeholder=t["all_agents"],
                                         options=initial.get("stats-agents", {}).get("options", []))),
        _field(t["granularity"], dcc.RadioItems(
            id="stats-granularity", value=f.granularity,
            options=[{"label": t[g], "value": g} for g in GRANULARITIES], inline=True)),
    ])


def _table(table_id: str, headers: list[tuple[str, str]], page_size: int = 15, **initial: Any) -> Any:
    initial = {"columns": [{"name": name, "id": key} for key, name in headers], "data": [], **initial}
    return dash_table.DataTable(  # type: ignore[attr-defined]  # generated component class
        id=table_id, page_size=page_size, **initial,
        sort_action="native", style_table={"overflowX": "auto"}, cell_selectable=True,
        style_cell={"fontFamily": "inherit", "fontSize": "14px", "textAlign": "left", "padding": "4px 8px"},
        style_header={"fontWeight": "600"})


def _plain_table(table_id: str, **props: Any) -> html.Div:
    return html.Div(html.Table(id=table_id, className="stats-table", **props), className="stats-table-wrap")


def _pager(name: str, t: dict[str, str], initial: Initial) -> html.Div:
    """Previous and next page of a plain table, and which of its rows are shown (hidden while it has none)."""
    def given(part: str, **default: Any) -> dict[str, Any]:
        return {**default, **initial.get(f"stats-{name}-{part}", {})}

    return html.Div(className="stats-pager", children=[
        html.Button(t["page_previous"], id=f"stats-{name}-prev", type="button", **given("prev", disabled=True)),
        html.Span(id=f"stats-{name}-range", role="status", **given("range")),
        html.Button(t["page_next"], id=f"stats-{name}-next", type="button", **given("next", disabled=True)),
        dcc.Store(id=f"stats-{name}-page", **given("page", data=0)),
    ])


def exports(t: dict[str, str], initial: Initial) -> html.Section:
    groups = []
    for dataset, formats in EXPORTS:
        buttons = [html.Button(fmt.upper(), id={"type": "stats-export", "target": f"{dataset}.{fmt}"},
                               className="stats-export-button", n_clicks=0) for fmt in formats]
        groups.append(html.Div([html.Span(t["per_chat" if dataset == "chats" else "aggregate"] + ":"), *buttons],
                               className="stats-export-group"))
    return html.Section(className="stats-exports", children=[
        html.H2(t["exports"]), html.Div(id="stats-export-rows", className="stats-muted",
                                        **initial.get("stats-export-rows", {})), *groups,
        html.Div(id="stats-export-status", role="status", children=[
            html.Progress(id="stats-export-progress", max=100, className="stats-hidden"),
            html.Span(id="stats-export-message")]),
        dcc.Store(id="stats-export-query", **initial.get("stats-export-query", {})),
        dcc.Store(id="stats-export-texts", data={key: t[f"export_{key}"] for key in ("preparing", "done", "failed")}),
    ])


def overview(t: dict[str, str], initial: Initial) -> html.Div:
    def given(component: str) -> dict[str, Any]:
        return initial.get(component, {})

    charts = [dcc.Graph(id=chart, config=GRAPH_CONFIG, **given(chart)) for chart in CHARTS]  # see statistics.css
    return html.Div([
        html.Div(id="stats-kpis", className="stats-kpis", **given("stats-kpis")),
        html.Div(className="stats-tiles", children=[
            html.Div(id="stats-tiles", className="stats-tile-texts", **given("stats-tiles")),
            html.Div(id="stats-per-month", className="stats-tile stats-tile-chart", **given("stats-per-month"))]),
        html.Div(charts, className="stats-charts"),
        html.Section(className="stats-drill", children=[
            html.H2(t["drill_title"]), html.P(t["drill_hint"], id="stats-drill-summary", className="stats-muted"),
            _plain_table("stats-drill-table", children=[tables.headers(tables.DRILL_COLUMNS, t),
                                                        html.Tbody(id="stats-drill-rows")]),
            _pager("drill", t, initial), dcc.Store(id="stats-drill-spec"), dcc.Store(id="stats-chat-picked"),
            html.Div(id="stats-transcript", className="stats-transcript", role="region",
                     **{"aria-label": t["transcript"]}),
        ]),
        html.Section(className="stats-agents", children=[
            html.H2(t["agent_table"]),
            _plain_table("stats-agent-table", children=[
                tables.headers(tables.AGENT_COLUMNS, t),
                html.Tbody(id="stats-agent-rows", **given("stats-agent-rows"))]),
            _pager("agent", t, initial), dcc.Store(id="stats-agent-picked")]),
        html.Section(className="stats-summary", children=[
            html.H2(t["summary_table"]), _plain_table("stats-summary-table", **given("stats-summary-table")),
            _pager("summary", t, initial)]),
        exports(t, initial),
    ])


def staffing(t: dict[str, str], initial: Initial) -> html.Div:
    return html.Div(className="stats-staffing", children=[
        html.P(t["staffing_hint"], className="stats-muted"),
        html.Div(className="stats-filters", children=[
            _field(t["channel_single"], dcc.Dropdown(id="stats-plan-channel", clearable=False,
                                                     **{"options": [], **initial.get("stats-plan-channel", {})})),
            _field(t["target_level"], dcc.Input(id="stats-plan-level", type="number", min=1, max=99, step=1,
                                                value=80, debounce=True)),
            _field(t["target_seconds"], dcc.Input(id="stats-plan-seconds", type="number", min=1, max=3600,
                                                  step=1, value=60, debounce=True)),
        ]),
        dcc.Loading(dcc.Graph(id="stats-plan-graph", config=GRAPH_CONFIG), type="dot"),
        _table("stats-plan-table", [
            ("slot", t["hour_of_week"]), ("arrivals", t["arrivals"]), ("handle", t["handle"]),
            ("needed", t["needed"]), ("expected_wait", t["expected_wait"]), ("present", t["present"]),
            ("active", t["active"]), ("wait_as_staffed", t["wait_as_staffed"])], page_size=24),
    ])


def page(t: dict[str, str], language: str, resolved: Filters, initial: Initial, *, has_data: bool) -> html.Div:
    """`resolved` and `initial`: the filters the server read from the URL and the overview it queried ({} before
    the first load is published: the page then fills itself in when it is)."""
    return html.Div(id="statistics", className="stats-page", lang=language, children=[
        dcc.Location(id="stats-url", refresh=False),
        dcc.Store(id="stats-first-data", data=has_data),
        dcc.Interval(id="stats-fresh-tick", interval=10_000),
        html.Div(className="stats-head", children=[
            html.H1(t["title"]), html.Span(id="stats-freshness", className="stats-freshness", role="status",
                                           **initial.get("stats-freshness", {}))]),
        filter_bar(t, resolved, initial),
        html.Div(id="stats-no-data", className="stats-notice", **initial.get("stats-no-data", {})),
        dcc.Tabs(id="stats-tab", value="overview", children=[
            dcc.Tab(label=t["overview"], value="overview", children=overview(t, initial)),
            dcc.Tab(label=t["staffing"], value="staffing", children=staffing(t, initial)),
        ]),
    ])
