"""Plotly figures of the statistics page. Every clickable point carries its drill-down in `customdata`."""

from __future__ import annotations

import json
from typing import Any

from analytics.staffing import PlanHour
from pages._statistics_texts import duration

COLORS = ("#0b5fff", "#0f8a5f", "#6b21a8", "#d97706", "#dc2626", "#0891b2", "#4b5563")
OUTCOME_COLORS = {"answered": "#0f8a5f", "missed_in_queue": "#dc2626", "closed_from_queue": "#9ca3af",
                  "offline_request": "#d97706", "request_from_queue": "#0b5fff"}
# plotly_white's look, written out: figures are plain dicts, because building `go.Figure`s (validating
# every property and expanding the whole template into each figure) cost more than the queries behind them.
# Margins are fixed (no `automargin`): measuring the tick labels and drawing again doubled Plotly's work.
AXIS: dict[str, Any] = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "zerolinewidth": 2,
        "ticks": ""}
Figure = dict[str, Any]


def drill(**spec: Any) -> str:
    return json.dumps({k: v for k, v in spec.items() if v is not None}, default=str)


def _axis(**extra: Any) -> dict[str, Any]:
    title = extra.pop("title", None)
    return {**AXIS, **extra, "title": {"text": title}} if title else {**AXIS, **extra}


def _figure(title: str, data: list[dict[str, Any]], height: int = 300, *, xaxis: dict[str, Any] | None = None,
            yaxis: dict[str, Any] | None = None, **layout: Any) -> Figure:
    return {"data": data, "layout": {
        "title": {"text": title, "font": {"size": 15}, "x": 0.05}, "height": height,
        "margin": {"l": 60, "r": 20, "t": 45, "b": 40}, "clickmode": "event", "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.2}, "paper_bgcolor": "white", "plot_bgcolor": "white",
        "font": {"color": "#2a3f5f"}, "hoverlabel": {"align": "left"},
        "xaxis": _axis(**(xaxis or {})), "yaxis": _axis(**(yaxis or {})), **layout}}


def volume(rows: list[dict[str, Any]], t: dict[str, str]) -> Figure:
    channels = sorted({(r["channel_id"], r["channel"]) for r in rows}, key=lambda c: c[1])
    bars = []
    for index, (channel_id, name) in enumerate(channels):
        mine = [r for r in rows if r["channel_id"] == channel_id]
        bars.append({"type": "bar", "x": [r["period"] for r in mine], "y": [r["chats"] for r in mine], "name": name,
                     "marker": {"color": COLORS[index % len(COLORS)]},
                     "customdata": [drill(period=r["period"].isoformat(), channel_id=channel_id) for r in mine]})
    return _figure(t["volume"], bars, barmode="stack", showlegend=True, yaxis={"title": t["chats"]},
                   margin={"l": 60, "r": 20, "t": 45, "b": 90}, legend={"orientation": "h", "y": -0.3})


def _bars(rows: list[dict[str, Any]], x: list[Any], color: Any, customdata: list[str], name: str) -> dict[str, Any]:
    return {"type": "bar", "x": x, "y": [r["chats"] for r in rows], "marker": {"color": color},
            "customdata": customdata, "name": name}


def wait_distribution(rows: list[dict[str, Any]], t: dict[str, str]) -> Figure:
    bars = _bars(rows, [r["label"] for r in rows], COLORS[0], [drill(wait_bin=r["bin"]) for r in rows], t["chats"])
    return _figure(t["wait_distribution"], [bars], yaxis={"title": t["chats"]})


def service_level(rows: list[dict[str, Any]], t: dict[str, str]) -> Figure:
    line = {"type": "scatter", "x": [r["period"] for r in rows], "y": [r["service_level"] for r in rows],
            "mode": "lines+markers", "line": {"color": COLORS[1]}, "name": t["service_level"],
            "customdata": [drill(period=r["period"].isoformat(), queued=True) for r in rows],
            "hovertemplate": "%{x}<br>%{y:.1f} %<extra></extra>"}
    return _figure(t["service_level_over_time"], [line], yaxis={"range": [0, 105], "ticksuffix": " %"})


def heatmap(rows: list[dict[str, Any]], t: dict[str, str]) -> Figure:
    counts = {(r["weekday"], r["hour"]): r["chats"] for r in rows}
    days = list(range(1, 8))
    cells = {"type": "heatmap", "x": [f"{h:02d}" for h in range(24)], "y": [t[f"weekday_{d}"] for d in days],
             "z": [[counts.get((d, h), 0) for h in range(24)] for d in days],
             "customdata": [[drill(weekday=d, hour=h) for h in range(24)] for d in days],
             "colorscale": "Blues", "hovertemplate": "%{y} %{x}:00 — %{z}<extra></extra>", "xgap": 1, "ygap": 1,
             "colorbar": {"outlinewidth": 0, "ticks": ""}}
    return _figure(t["heatmap"], [cells], height=320, yaxis={"autorange": "reversed"})


def outcomes(rows: list[dict[str, Any]], t: dict[str, str]) -> Figure:
    bars = _bars(rows, [t[r["outcome"]] for r in rows], [OUTCOME_COLORS.get(r["outcome"], COLORS[-1]) for r in rows],
                 [drill(outcome=r["outcome"]) for r in rows], t["chats"])
    return _figure(t["outcomes"], [bars], margin={"l": 60, "r": 20, "t": 45, "b": 70})


def ratings(rows: list[dict[str, Any]], t: dict[str, str]) -> Figure:
    bars = _bars(rows, [f"{'★' * r['rating']}" for r in rows], "#f59e0b", [drill(rating=r["rating"]) for r in rows],
                 t["chats"])
    return _figure(t["ratings"], [bars])


def staffing(hours: list[PlanHour], t: dict[str, str], language: str) -> Figure:
    labels = [f"{t[f'weekday_{h.weekday}']} {h.hour:02d}" for h in hours]
    needed = {"type": "bar", "x": labels, "y": [h.needed for h in hours], "name": t["needed"],
              "marker": {"color": COLORS[0]}, "customdata": [duration(h.expected_wait, language) for h in hours],
              "hovertemplate": "%{x}: %{y} — " + t["expected_wait"] + " %{customdata}<extra></extra>"}
    present = {"type": "scatter", "x": labels, "y": [round(h.present, 2) for h in hours], "name": t["present"],
               "mode": "lines", "line": {"color": COLORS[1], "width": 2}}
    active = {"type": "scatter", "x": labels, "y": [round(h.active, 2) for h in hours], "name": t["active"],
              "mode": "lines", "line": {"color": COLORS[3], "width": 1, "dash": "dot"}}
    return _figure(t["staffing"], [needed, present, active], height=360, yaxis={"title": t["agents"]},
                   margin={"l": 60, "r": 20, "t": 45, "b": 90}, legend={"orientation": "h", "y": -0.3},
                   xaxis={"title": t["hour_of_week"], "tickmode": "array", "tickvals": labels[::12]})
