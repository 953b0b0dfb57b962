"""Query results -> components: KPI cards with their change, tiles, transcript, freshness (tables: see
`_statistics_tables`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import html

from analytics.queries import KPI_NAMES
from analytics.staffing import PlanHour
from pages import _statistics_figures as figures
from pages import _statistics_tables as tables
from pages._statistics_layout import CHARTS
from pages._statistics_texts import duration

SECONDS_KPIS = ("avg_wait", "p90_wait", "avg_handle", "avg_first_response")
PERCENT_KPIS = ("answered_pct", "service_level")
LOWER_IS_BETTER = ("missed", "avg_wait", "p90_wait", "avg_handle", "avg_first_response")


def kpi_value(name: str, value: float | None, language: str) -> str:
    if value is None:
        return "–"
    if name in SECONDS_KPIS:
        return duration(value, language)
    if name in PERCENT_KPIS:
        return f"{value:.1f} %"
    if name in ("avg_rating", "chats_per_agent"):
        return f"{value:.1f}"
    return f"{int(value):,}".replace(",", "\u202f")


def kpi_change(name: str, now: float | None, before: float | None, t: dict[str, str]) -> html.Span:
    """Percentage points for percentages, a relative change for everything else; coloured good or bad."""
    if now is None or before is None or (before == 0 and name not in PERCENT_KPIS):
        return html.Span(t["no_previous"], className="stats-change")
    delta = now - before
    text = f"{delta:+.1f} pp" if name in PERCENT_KPIS else f"{100 * delta / before:+.1f} %"
    better = delta < 0 if name in LOWER_IS_BETTER else delta > 0
    tone = "flat" if abs(delta) < 1e-9 else "good" if better else "bad"
    return html.Span(f"{text} {t['vs_previous']}", className=f"stats-change stats-{tone}")


def kpi_cards(now: dict[str, float | None], before: dict[str, float | None], t: dict[str, str],
              language: str) -> list[html.Div]:
    return [html.Div(className="stats-kpi", id=f"kpi-{name}", children=[
        html.Div(t[name], className="stats-kpi-label"),
        html.Div(kpi_value(name, now[name], language), className="stats-kpi-value"),
        kpi_change(name, now[name], before[name], t),
    ]) for name in KPI_NAMES]


def tile_texts(tiles: dict[str, Any], t: dict[str, str]) -> list[html.Div]:
    busiest, best = tiles["busiest_hour"], tiles["best_agent"]
    busiest_text = "–" if busiest is None else f"{busiest['hour']:02d}:00–{(busiest['hour'] + 1) % 24:02d}:00"
    busiest_note = "" if busiest is None else f"{busiest['chats']} {t['chats_lower']}"
    best_text = t["no_best_agent"] if best is None else best["agent"]
    best_note = "" if best is None else f"★ {best['avg_rating']:.2f} ({best['ratings']} {t['ratings_count']})"
    return [
        html.Div([html.Div(t["busiest_hour"], className="stats-kpi-label"),
                  html.Div(busiest_text, className="stats-kpi-value"), html.Div(busiest_note)], className="stats-tile"),
        html.Div([html.Div(t["best_agent"], className="stats-kpi-label"),
                  html.Div(best_text, className="stats-kpi-value"), html.Div(best_note)], className="stats-tile"),
    ]


def _months(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Every month from the first to the last one with chats, months without any included."""
    if not rows:
        return []
    counts = {(r["month"].year, r["month"].month): int(r["chats"]) for r in rows}
    (year, month), last, found = min(counts), max(counts), []
    while (year, month) <= last:
        found.append((f"{year}-{month:02d}", counts.get((year, month), 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def month_bars(rows: list[dict[str, Any]], t: dict[str, str], language: str) -> list[Any]:
    """The tile's chats per month as plain bars (one chart fewer for Plotly to draw on the first screen)."""
    months = _months(rows)
    top = max((chats for _, chats in months), default=0) or 1
    return [html.Div(t["per_month"], className="stats-kpi-label"), html.Ol(className="stats-months", children=[
        html.Li(className="stats-month", title=f"{name}: {kpi_value('chats', chats, language)} {t['chats_lower']}",
                children=[html.Span(kpi_value("chats", chats, language), className="stats-month-count"),
                          html.Span(className="stats-month-bar", style={"height": f"{round(110 * chats / top)}px"}),
                          html.Span(name, className="stats-month-name")])
        for name, chats in months])]


def transcript(found: dict[str, Any] | None, t: dict[str, str], language: str) -> list[Any]:
    if found is None:
        return [html.P(t["no_chat"])]
    chat = found["chat"]
    head = (f"#{chat['chat_id']} · {chat['channel']} · {chat['agent'] or '–'} · "
            f"{chat['requested_local']:%Y-%m-%d %H:%M} · {t[chat['outcome']]}")
    lines = []
    for message in found["messages"]:
        side = message["side"]
        who = message["author"] if side == "agent" else t.get(f"{side}_side", side)
        text = message["body"] or message["system_event"] or ""
        lines.append(html.Li(className=f"stats-msg stats-msg-{side}", children=[
            html.Span(f"{message['sent_at']:%H:%M:%S} {who}", className="stats-msg-who"), html.Span(text)]))
    extra = []
    if chat["rating"]:
        extra.append(html.P(f"{'★' * chat['rating']} {chat['rating_comment'] or ''}"))
    return [html.H3(f"{t['transcript']} {head}"), html.Ol(lines, className="stats-msgs"), *extra]


def plan_rows(hours: list[PlanHour], t: dict[str, str], language: str) -> list[dict[str, Any]]:
    return [{"slot": f"{t[f'weekday_{h.weekday}']} {h.hour:02d}:00", "arrivals": round(h.arrivals_per_hour, 2),
             "handle": duration(h.handle_seconds, language), "needed": h.needed,
             "expected_wait": duration(h.expected_wait, language), "present": round(h.present, 1),
             "active": round(h.active, 1), "wait_as_staffed": duration(h.wait_as_staffed, language)}
            for h in hours if h.arrivals_per_hour or h.present]


def freshness(loaded_at: str | None, checked_at: datetime | None, now: datetime, t: dict[str, str],
              language: str) -> str:
    if loaded_at is None:
        return ""
    loaded = datetime.fromisoformat(loaded_at).replace(tzinfo=now.tzinfo)
    text = t["freshness"].format(at=f"{loaded:%Y-%m-%d %H:%M:%S} UTC",
                                 ago=duration(max(0.0, (now - loaded).total_seconds()), language))
    if checked_at is not None and checked_at > loaded:
        text += ", " + t["freshness_checked"].format(ago=duration(max(0.0, (now - checked_at).total_seconds()),
                                                                   language))
    return text


# What the overview tab shows, in the order `overview_values` returns it.
OVERVIEW = (("stats-kpis", "children"), ("stats-tiles", "children"), ("stats-per-month", "children"),
            *((chart, "figure") for chart in CHARTS), ("stats-agent-rows", "children"), *tables.pager_props("agent"),
            ("stats-summary-table", "children"), *tables.pager_props("summary"), ("stats-export-rows", "children"),
            ("stats-no-data", "children"))
OPTIONS = (("stats-channels", "options"), ("stats-agents", "options"), ("stats-plan-channel", "options"),
           ("stats-plan-channel", "value"))


def overview_values(found: dict[str, Any], t: dict[str, str], language: str) -> tuple[Any, ...]:
    return (
        kpi_cards(found["kpis"], found["previous"], t, language),
        tile_texts(found["tiles"], t), month_bars(found["tiles"]["per_month"], t, language),
        figures.volume(found["volume"], t), figures.wait_distribution(found["wait"], t),
        figures.service_level(found["service_level"], t), figures.heatmap(found["heatmap"], t),
        figures.outcomes(found["outcomes"], t), figures.ratings(found["ratings"], t),
        *tables.agent_page(found["agents"], 0, t, language),
        *tables.summary_page(found["summary"], found["filters"].granularity, 0, t),
        t["export_rows"].format(count=found["kpis"]["chats"]), "",
    )


def option_values(found: dict[str, list[dict[str, Any]]]) -> tuple[Any, ...]:
    channels = [{"label": c["name"], "value": c["id"]} for c in found["channels"]]
    agents = [{"label": a["name"], "value": a["id"]} for a in found["agents"]]
    return channels, agents, channels, channels[0]["value"] if channels else None
