"""Turning a LiveBoard into tables. Durations tick in the browser (assets/dashboard.js) from `data-since`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import html

from chat.live_stats import ChannelFigures, LiveBoard
from chat.models import ChatSession, Membership

FIGURES = ("waiting", "longest_wait", "present", "away", "active", "chats_today", "answered_today", "missed_today",
           "avg_wait", "avg_duration", "service_level", "avg_rating")


def _since(moment: datetime | None, **thresholds: int) -> html.Span:
    if moment is None:
        return html.Span("–")
    extra = {f"data-{name}": str(seconds) for name, seconds in thresholds.items()}
    return html.Span(className="since", **{"data-since": moment.isoformat(), **extra})


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def _cells(f: ChannelFigures) -> list[Any]:
    return [
        f.waiting, _since(f.longest_wait_since), f.agents_present, f.agents_away, f.active_chats, f.chats_today,
        f.answered_today, f.missed_today, _minutes(f.avg_wait_seconds), _minutes(f.avg_duration_seconds),
        "–" if f.service_level is None else f"{round(100 * f.service_level)} %",
        "–" if f.avg_rating is None else f"{f.avg_rating:.1f}",
    ]


def _total(board: LiveBoard) -> ChannelFigures:
    """Sums where sums make sense; averages weighted by the chats behind them."""
    rows = board.channels
    total = ChannelFigures(0, "")
    for name in ("waiting", "agents_present", "agents_away", "active_chats", "chats_today", "answered_today",
                 "missed_today"):
        setattr(total, name, sum(getattr(r, name) for r in rows))
    total.agents_present = len({a.user_id for a in board.agents if a.presence == "present"})
    total.agents_away = len({a.user_id for a in board.agents if a.presence != "present"})
    total.longest_wait_since = min((r.longest_wait_since for r in rows if r.longest_wait_since), default=None)
    total.avg_wait_seconds = _weighted(rows, "avg_wait_seconds", "answered_today")
    total.avg_duration_seconds = _weighted(rows, "avg_duration_seconds", "ended_today")
    total.avg_rating = _weighted(rows, "avg_rating", "rated_today")
    offered = total.answered_today + total.missed_today
    if offered:
        total.service_level = sum((r.service_level or 0) * (r.answered_today + r.missed_today) for r in rows) / offered
    return total


def _weighted(rows: list[ChannelFigures], value: str, weight: str) -> float | None:
    counted = [(getattr(r, value), getattr(r, weight)) for r in rows if getattr(r, value) is not None]
    total_weight = sum(w for _v, w in counted)
    return sum(v * w for v, w in counted) / total_weight if total_weight else None


def figures_table(board: LiveBoard, t: dict[str, str]) -> html.Table:
    rows = [html.Tr([html.Th(f.name, scope="row"), *[html.Td(c) for c in _cells(f)]],
                    **{"data-channel-id": str(f.channel_id)}) for f in board.channels]
    if len(board.channels) > 1:
        rows.append(html.Tr([html.Th(t["total"], scope="row"), *[html.Td(c) for c in _cells(_total(board))]],
                            className="total", **{"data-channel-id": "all"}))
    header = html.Tr([html.Th(t["channel"]), *[html.Th(t[name], scope="col") for name in FIGURES]])
    return html.Table([html.Thead(header), html.Tbody(rows)], className="figures", id="db-figures-table")


def incoming_list(waiting: list[ChatSession], rights: dict[int, Membership], names: dict[int, str],
                  warnings: dict[int, tuple[int, int]], t: dict[str, str]) -> Any:
    if not waiting:
        return html.P(t["none_waiting"], className="muted")
    rows = []
    for chat in waiting:
        agent_minutes, manager_minutes = warnings.get(chat.channel_id, (2, 5))
        can_answer = chat.channel_id in rights and rights[chat.channel_id].can_respond
        rows.append(html.Tr([
            html.Td(names.get(chat.channel_id, "")), html.Td(chat.display_name), html.Td(chat.first_question[:120]),
            html.Td(_since(chat.requested_at, warn=agent_minutes * 60, danger=manager_minutes * 60)),
            html.Td(html.Button(t["answer"], className="btn btn-primary", **{"data-answer": str(chat.id)})
                    if can_answer else ""),
        ], **({"data-answer-row": str(chat.id)} if can_answer else {})))
    header = html.Tr([html.Th(t[k]) for k in ("channel", "visitor", "question", "wait")] + [html.Th("")])
    return html.Table([html.Thead(header), html.Tbody(rows)], className="list")


def ongoing_list(board: LiveBoard, rights: dict[int, Membership], names: dict[int, str], t: dict[str, str]) -> Any:
    if not board.ongoing:
        return html.P(t["none_ongoing"], className="muted")
    rows = []
    for chat in board.ongoing:
        right = rights.get(chat.channel_id)
        may_listen = right is not None and (right.can_listen or right.is_manager)
        rows.append(html.Tr([
            html.Td(board.agent_names.get(chat.agent_id or 0, "")), html.Td(chat.display_name),
            html.Td(names.get(chat.channel_id, "")), html.Td(_since(chat.started_at)),
            html.Td(_since(chat.last_activity_at)),
            html.Td(html.Button(t["listen"], className="btn", **{"data-listen": str(chat.id)}) if may_listen else ""),
        ], **({"data-listen-row": str(chat.id)} if may_listen else {})))
    header = html.Tr([html.Th(t[k]) for k in ("agent", "visitor", "channel", "duration", "last_message")]
                     + [html.Th("")])
    return html.Table([html.Thead(header), html.Tbody(rows)], className="list")


def agents_table(board: LiveBoard, t: dict[str, str]) -> Any:
    rows = [html.Tr([
        html.Td(a.name), html.Td(t["present_word"] if a.presence == "present" else t["away_word"]),
        html.Td(a.active_chats), html.Td(a.chats_today), html.Td(_since(a.waiting_for_reply_since)),
    ]) for a in board.agents]
    header = html.Tr([html.Th(t[k]) for k in ("agent", "presence", "active", "chats", "reply_wait")])
    return html.Table([html.Thead(header), html.Tbody(rows)], className="list")
