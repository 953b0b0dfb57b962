"""/statistics: history from the DuckDB snapshot — KPIs, charts, drill-down to transcripts, exports, staffing.

Callbacks are thin: check the role on the server, turn the controls into URL-shaped parameters, ask
`_statistics_data` (which runs DuckDB off the gevent loop), and render. Filters live in the URL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import dash
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, no_update

from analytics.drilldown import Drill
from analytics.filters import parse
from pages import _statistics_data as data
from pages import _statistics_figures as figures
from pages import _statistics_render as render
from pages import _statistics_tables as tables
from pages._auth import STATISTICS_ROLES, current_viewer, require_viewer, services
from pages._statistics_layout import CHARTS, page
from pages._statistics_texts import texts

dash.register_page(__name__, path="/statistics", title="Statistics")

# The dates are read, not listened to: choosing a preset fills them in (no second round of queries), and
# editing them sets the preset to "custom", which is what triggers.
FILTERS = [Input("stats-preset", "value"), State("stats-dates", "start_date"), State("stats-dates", "end_date"),
           Input("stats-channels", "value"), Input("stats-agents", "value"), Input("stats-granularity", "value")]
FILTER_STATES = [State(i.component_id, i.component_property) for i in FILTERS]


def layout(**query: str) -> Any:
    """The page arrives filled in: the overview of the URL's filters is queried here, so the first render
    needs no callback round trip (the callbacks below run when the filters change)."""
    viewer = current_viewer()
    allowed = viewer is not None and viewer.role in STATISTICS_ROLES  # else the shell shows the refusal
    language = viewer.language if viewer else "en"
    t = texts(language)
    found = data.overview(services().config.data_dir, dict(query)) if allowed else None
    if found is None:  # nothing published yet: the filters as the URL says, counted in UTC until data comes
        return page(t, language, parse(query, datetime.now(UTC).date()), {"stats-no-data": {"children": t["no_data"]}},
                    has_data=False)
    initial: dict[str, dict[str, Any]] = {"stats-export-query": {"data": urlencode(found["filters"].query())}}
    for (component, prop), value in (*zip(render.OVERVIEW, render.overview_values(found, t, language), strict=True),
                                     *zip(render.OPTIONS, render.option_values(found["options"]), strict=True)):
        initial.setdefault(component, {})[prop] = value
    fresh = data.freshness(services().config.data_dir)
    initial["stats-freshness"] = {"children": render.freshness(found["loaded_at"], fresh["checked_at"], fresh["now"],
                                                               t, language)}
    return page(t, language, found["filters"], initial, has_data=True)


def _allowed() -> tuple[Any, str, dict[str, str]]:
    viewer = require_viewer(*STATISTICS_ROLES)
    return services().config.data_dir, viewer.language, texts(viewer.language)


@callback(*[Output(component, prop) for component, prop in render.OPTIONS], Input("stats-first-data", "data"),
          prevent_initial_call=True)
def load_options(_has_data: bool | None) -> tuple[Any, ...]:
    """The filter choices once the first load is published (the layout brings them when data exists)."""
    data_dir, _, _ = _allowed()
    return render.option_values(data.options(data_dir, "custom") or {"channels": [], "agents": []})


@callback(Output("stats-preset", "value"), Output("stats-dates", "start_date"), Output("stats-dates", "end_date"),
          Input("stats-preset", "value"), Input("stats-dates", "start_date"), Input("stats-dates", "end_date"),
          prevent_initial_call=True)
def sync_dates(preset: str, start: str | None, end: str | None) -> tuple[Any, ...]:
    """Choosing a preset fills the dates; editing the dates makes the period custom (set even when it
    already is, so that the views depending on the preset run again)."""
    data_dir, _, _ = _allowed()
    if ctx.triggered_id == "stats-dates" and start and end:
        return "custom", no_update, no_update
    if preset == "custom":
        return no_update, no_update, no_update
    found = data.options(data_dir, preset)
    return no_update, *(found["range"] if found else (no_update, no_update))


@callback(Output("stats-url", "search"), Output("stats-export-query", "data"), *FILTERS, prevent_initial_call=True)
def keep_in_url(*controls: Any) -> tuple[str, str]:
    require_viewer(*STATISTICS_ROLES)
    query = urlencode({k: v for k, v in data.params_of(*controls).items() if v})
    return "?" + query, query


@callback(*[Output(component, prop) for component, prop in render.OVERVIEW], *FILTERS,
          Input("stats-first-data", "data"), prevent_initial_call=True)
def show_overview(*controls: Any) -> tuple[Any, ...]:
    """Everything on the overview tab when a filter changes; runs once more when the first load is published."""
    data_dir, language, t = _allowed()
    found = data.overview(data_dir, data.params_of(*controls[:-1]))
    if found is None:
        return (no_update,) * (len(render.OVERVIEW) - 1) + (t["no_data"],)
    return render.overview_values(found, t, language)


@callback(Output("stats-freshness", "children"), Output("stats-first-data", "data"),
          Input("stats-fresh-tick", "n_intervals"), State("stats-first-data", "data"), prevent_initial_call=True)
def show_freshness(_tick: int | None, had_data: bool | None) -> tuple[str, Any]:
    data_dir, language, t = _allowed()
    fresh, loaded = data.freshness(data_dir), data.loaded_at(data_dir)
    text = render.freshness(loaded, fresh["checked_at"], fresh["now"], t, language)
    return text, True if loaded and not had_data else no_update


def _pager_outputs(name: str) -> list[Output]:
    return [Output(component, prop, allow_duplicate=True) for component, prop in tables.pager_props(name)]


def _turned(page: int | None, name: str) -> int:
    return (page or 0) + (1 if ctx.triggered_id == f"stats-{name}-next" else -1)


@callback(Output("stats-drill-rows", "children", allow_duplicate=True), *_pager_outputs("drill"),
          Output("stats-drill-summary", "children"), Output("stats-drill-spec", "data"),
          Output("stats-transcript", "children"), *[Input(chart, "clickData") for chart in CHARTS],
          Input("stats-agent-picked", "data"),
          *FILTER_STATES, prevent_initial_call=True)
def drill_down(*args: Any) -> tuple[Any, ...]:
    """A clicked bar, heatmap cell or agent row -> exactly the chats it counted, newest first."""
    data_dir, language, t = _allowed()
    clicks, picked, controls = args[:len(CHARTS)], args[len(CHARTS)], args[len(CHARTS) + 1:]
    trigger = ctx.triggered_id
    if trigger == "stats-agent-picked":
        drill = Drill(agent_id=int(picked["agent"]))
    else:
        click = clicks[CHARTS.index(str(trigger))]
        if not click or not click.get("points"):
            return (no_update,) * 8
        drill = Drill.from_dict(json.loads(click["points"][0]["customdata"]))
    params = data.params_of(*controls)
    total, listed = data.drill_list(data_dir, params, drill)
    summary = t["drill_count"].format(total=total)
    if total > len(listed):
        summary += " " + t["drill_shown"].format(shown=len(listed))
    return (*tables.drill_page(listed, 0, t, language), summary, {"params": params, "drill": drill.to_dict()}, [])


@callback(Output("stats-drill-rows", "children", allow_duplicate=True), *_pager_outputs("drill"),
          Input("stats-drill-prev", "n_clicks"), Input("stats-drill-next", "n_clicks"),
          State("stats-drill-page", "data"), State("stats-drill-spec", "data"), prevent_initial_call=True)
def page_drill(_previous: int | None, _next: int | None, page: int | None,
               spec: dict[str, Any] | None) -> tuple[Any, ...]:
    """Another page of the same drill-down: the list is asked again with the filters it was made with."""
    data_dir, language, t = _allowed()
    if not spec:
        return (no_update,) * 5
    _, listed = data.drill_list(data_dir, dict(spec["params"]), Drill.from_dict(spec["drill"]))
    return tables.drill_page(listed, _turned(page, "drill"), t, language)


def _table_page(name: str, page: int | None, controls: tuple[Any, ...]) -> tuple[Any, ...]:
    """Another page of the agent or summary table, asked again with the current filters."""
    data_dir, language, t = _allowed()
    found = data.table(data_dir, data.params_of(*controls), name)
    if found is None:
        return (no_update,) * 5
    f, rows = found
    if name == "agent":
        return tables.agent_page(rows, _turned(page, name), t, language)
    return tables.summary_page(rows, f.granularity, _turned(page, name), t)


@callback(Output("stats-agent-rows", "children", allow_duplicate=True), *_pager_outputs("agent"),
          Input("stats-agent-prev", "n_clicks"), Input("stats-agent-next", "n_clicks"),
          State("stats-agent-page", "data"), *FILTER_STATES, prevent_initial_call=True)
def page_agents(_previous: int | None, _next: int | None, page: int | None, *controls: Any) -> tuple[Any, ...]:
    return _table_page("agent", page, controls)


@callback(Output("stats-summary-table", "children", allow_duplicate=True), *_pager_outputs("summary"),
          Input("stats-summary-prev", "n_clicks"), Input("stats-summary-next", "n_clicks"),
          State("stats-summary-page", "data"), *FILTER_STATES, prevent_initial_call=True)
def page_summary(_previous: int | None, _next: int | None, page: int | None, *controls: Any) -> tuple[Any, ...]:
    return _table_page("summary", page, controls)


@callback(Output("stats-transcript", "children", allow_duplicate=True), Input("stats-chat-picked", "data"),
          prevent_initial_call=True)
def show_transcript(picked: dict[str, Any]) -> Any:
    data_dir, language, t = _allowed()
    return render.transcript(data.chat_transcript(data_dir, int(picked["chat"])), t, language)


# A row's id once it is clicked. Rows a callback puts in (a new overview, a drill list, another page) trigger
# the pattern too, all at once with no clicks: that asks the server nothing.
for row, key, picked in (("stats-agent-row", "agent", "stats-agent-picked"),
                         ("stats-drill-row", "chat", "stats-chat-picked")):
    clientside_callback(
        """
        function (_clicks) {
            const context = dash_clientside.callback_context;
            const clicked = context.triggered.length === 1 && context.triggered[0].value;
            return clicked ? {...context.triggered_id, at: Date.now()} : dash_clientside.no_update;
        }
        """,
        Output(picked, "data"),
        Input({"type": row, key: ALL}, "n_clicks"), prevent_initial_call=True,
    )


@callback(Output("stats-plan-graph", "figure"), Output("stats-plan-table", "data"),
          Input("stats-tab", "value"), Input("stats-plan-channel", "value"), Input("stats-plan-level", "value"),
          Input("stats-plan-seconds", "value"), *FILTERS, prevent_initial_call=True)
def show_staffing(tab: str, channel_id: int | None, level: float | None, seconds: float | None,
                  *controls: Any) -> tuple[Any, ...]:
    data_dir, language, t = _allowed()
    if tab != "staffing" or channel_id is None or not level or not seconds or not 0 < level < 100:
        return no_update, no_update
    found = data.staffing(data_dir, data.params_of(*controls), int(channel_id), float(level) / 100, float(seconds))
    if found is None:
        return no_update, no_update
    _, hours = found
    return figures.staffing(hours, t, language), render.plan_rows(hours, t, language)


clientside_callback(
    """
    async function (clicks, query, text) {
        const trigger = dash_clientside.callback_context.triggered_id;
        if (!trigger || !clicks.some(Boolean)) { return dash_clientside.no_update; }
        const bar = (props) => dash_clientside.set_props("stats-export-progress", props);
        bar({className: "", value: null});
        dash_clientside.set_props("stats-export-message", {children: text.preparing});
        const response = await fetch("/statistics/export/" + trigger.target + "?" + (query || ""),
                                     {credentials: "same-origin"});
        if (!response.ok) {
            bar({className: "stats-hidden"});
            return text.failed.replace("{status}", response.status);
        }
        const total = Number(response.headers.get("Content-Length")) || 0;
        const reader = response.body.getReader();
        const chunks = [];
        let received = 0;
        for (;;) {
            const part = await reader.read();
            if (part.done) { break; }
            chunks.push(part.value);
            received += part.value.length;
            if (total) { bar({value: Math.round(100 * received / total)}); }
        }
        const found = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
        const name = found ? found[1] : trigger.target;
        const link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob(chunks, {type: response.headers.get("Content-Type") || ""}));
        link.download = name;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 60000);
        bar({className: "stats-hidden", value: 100});
        return text.done.replace("{name}", name);
    }
    """,
    Output("stats-export-message", "children"),
    Input({"type": "stats-export", "target": ALL}, "n_clicks"),
    State("stats-export-query", "data"), State("stats-export-texts", "data"),
    prevent_initial_call=True,
)
