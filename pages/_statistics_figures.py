"""Plotly figures of the statistics page. Every clickable point carries its drill-down in `customdata`."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go

from analytics.staffing import PlanHour
from pages._statistics_texts import duration

COLORS = ("#0b5fff", "#0f8a5f", "#6b21a8", "#d97706", "#dc2626", "#0891b2", "#4b5563")
OUTCOME_COLORS = {"answered": "#0f8a5f", "missed_in_queue": "#dc2626", "closed_from_queue": "#9ca3af",
                  "offline_request": "#d97706", "request_from_queue": "#0b5fff"}


def drill(**spec: Any) -> str:
    return json.dumps({k: v for k, v in spec.items() if v is not None}, default=str)


def _base(title: str, height: int = 300) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title={"text": title, "font": {"size": 15}}, height=height, template="plotly_white",
                         margin={"l": 50, "r": 20, "t": 45, "b": 40}, clickmode="event",
                         legend={"orientation": "h", "y": -0.2}, hovermode="closest")
    return figure


def volume(rows: list[dict[str, Any]], t: dict[str, str]) -> go.Figure:
    figure = _base(t["volume"])
    channels = sorted({(r["channel_id"], r["channel"]) for r in rows}, key=lambda c: c[1])
    for index, (channel_id, name) in enumerate(channels):
        mine = [r for r in rows if r["channel_id"] == channel_id]
        figure.add_bar(x=[r["period"] for r in mine], y=[r["chats"] for r in mine], name=name,
                       marker_color=COLORS[index % len(COLORS)],
                       customdata=[drill(period=r["period"].isoformat(), channel_id=channel_id) for r in mine])
    figure.update_layout(barmode="stack", yaxis_title=t["chats"], showlegend=True)
    return figure


def wait_distribution(rows: list[dict[str, Any]], t: dict[str, str]) -> go.Figure:
    figure = _base(t["wait_distribution"])
    figure.add_bar(x=[r["label"] for r in rows], y=[r["chats"] for r in rows], marker_color=COLORS[0],
                   customdata=[drill(wait_bin=r["bin"]) for r in rows], name=t["chats"])
    figure.update_layout(yaxis_title=t["chats"])
    return figure


def service_level(rows: list[dict[str, Any]], t: dict[str, str]) -> go.Figure:
    figure = _base(t["service_level_over_time"])
    figure.add_scatter(x=[r["period"] for r in rows], y=[r["service_level"] for r in rows], mode="lines+markers",
                       line_color=COLORS[1], name=t["service_level"],
                       customdata=[drill(period=r["period"].isoformat(), queued=True) for r in rows],
                       hovertemplate="%{x}<br>%{y:.1f} %<extra></extra>")
    figure.update_layout(yaxis={"range": [0, 105], "ticksuffix": " %"})
    return figure


def heatmap(rows: list[dict[str, Any]], t: dict[str, str]) -> go.Figure:
    figure = _base(t["heatmap"], height=320)
    counts = {(r["weekday"], r["hour"]): r["chats"] for r in rows}
    days = list(range(1, 8))
    figure.add_heatmap(
        x=[f"{h:02d}" for h in range(24)], y=[t[f"weekday_{d}"] for d in days],
        z=[[counts.get((d, h), 0) for h in range(24)] for d in days],
        customdata=[[drill(weekday=d, hour=h) for h in range(24)] for d in days],
        colorscale="Blues", hovertemplate="%{y} %{x}:00 — %{z}<extra></extra>", xgap=1, ygap=1)
    figure.update_layout(yaxis={"autorange": "reversed"})
    return figure


def outcomes(rows: list[dict[str, Any]], t: dict[str, str]) -> go.Figure:
    figure = _base(t["outcomes"])
    figure.add_bar(x=[t[r["outcome"]] for r in rows], y=[r["chats"] for r in rows],
                   marker_color=[OUTCOME_COLORS.get(r["outcome"], COLORS[-1]) for r in rows],
                   customdata=[drill(outcome=r["outcome"]) for r in rows], name=t["chats"])
    return figure


def ratings(rows: list[dict[str, Any]], t: dict[str, str]) -> go.Figure:
    figure = _base(t["ratings"])
    figure.add_bar(x=[f"{'★' * r['rating']}" for r in rows], y=[r["chats"] for r in rows], marker_color="#f59e0b",
                   customdata=[drill(rating=r["rating"]) for r in rows], name=t["chats"])
    return figure


def per_month(rows: list[dict[str, Any]], t: dict[str, str]) -> go.Figure:
    figure = _base(t["per_month"], height=200)
    figure.add_bar(x=[r["month"] for r in rows], y=[r["chats"] for r in rows], marker_color=COLORS[0],
                   name=t["chats"])
    figure.update_layout(margin={"l": 40, "r": 10, "t": 35, "b": 30}, xaxis={"tickformat": "%b %Y"})
    return figure


def staffing(hours: list[PlanHour], t: dict[str, str], language: str) -> go.Figure:
    figure = _base(t["staffing"], height=360)
    labels = [f"{t[f'weekday_{h.weekday}']} {h.hour:02d}" for h in hours]
    figure.add_bar(x=labels, y=[h.needed for h in hours], name=t["needed"], marker_color=COLORS[0],
                   customdata=[duration(h.expected_wait, language) for h in hours],
                   hovertemplate="%{x}: %{y} — " + t["expected_wait"] + " %{customdata}<extra></extra>")
    figure.add_scatter(x=labels, y=[round(h.present, 2) for h in hours], name=t["present"], mode="lines",
                       line={"color": COLORS[1], "width": 2})
    figure.add_scatter(x=labels, y=[round(h.active, 2) for h in hours], name=t["active"], mode="lines",
                       line={"color": COLORS[3], "width": 1, "dash": "dot"})
    figure.update_layout(xaxis={"title": t["hour_of_week"], "tickmode": "array", "tickvals": labels[::12]},
                         yaxis_title=t["agents"])
    return figure
