"""The Dashboard tab (/dashboard): live figures per channel, incoming and ongoing chats, agents."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, callback, dcc, html
from sqlalchemy import select

from chat.live_stats import live_board
from chat.models import Channel, ChatSession, Membership, SessionStatus, utcnow
from pages._auth import current_viewer, require_viewer, services
from pages._dashboard_render import agents_table, figures_table, incoming_list, ongoing_list
from pages._dashboard_text import dashboard_text

dash.register_page(__name__, path="/dashboard", title="Dashboard")


def layout(**_query: str) -> html.Div:
    viewer = current_viewer()
    t = dashboard_text(viewer.language if viewer else "en")
    options: list[dict[str, Any]] = []
    if viewer is not None:
        with services().db.read() as db:
            options = [{"label": name, "value": channel_id} for channel_id, name in db.execute(
                select(Channel.id, Channel.name).join(Membership, Membership.channel_id == Channel.id)
                .where(Membership.user_id == viewer.id, Channel.is_deleted.is_(False)).order_by(Channel.name))]
    return html.Div(className="dashboard", children=[
        html.H1(t["title"]),
        html.Label([t["channels"], dcc.Dropdown(
            id="db-channels", options=options, value=[o["value"] for o in options], multi=True,
            persistence=True, persistence_type="local")]),
        dcc.Store(id="db-refresh"),
        html.Section([html.Div(id="db-figures")], className="card"),
        html.Section([html.H2(t["incoming"]), html.Div(id="db-incoming")], className="card"),
        html.Section([html.H2(t["ongoing"]), html.Div(id="db-ongoing")], className="card"),
        html.Section([html.H2(t["agents"]), html.Div(id="db-agents")], className="card"),
    ])


@callback(
    Output("db-figures", "children"),
    Output("db-incoming", "children"),
    Output("db-ongoing", "children"),
    Output("db-agents", "children"),
    Input("db-refresh", "data"),
    Input("db-channels", "value"),
)
def refresh(_cursor: Any, chosen: list[int] | None) -> tuple[Any, Any, Any, Any]:
    viewer = require_viewer()
    t = dashboard_text(viewer.language)
    with services().db.read() as db:
        rights = {m.channel_id: m for m in db.scalars(select(Membership).where(Membership.user_id == viewer.id))}
        channel_ids = [c for c in (chosen or []) if c in rights]
        board = live_board(db, channel_ids, utcnow())
        channels = db.scalars(select(Channel).where(Channel.id.in_(channel_ids))).all()
        names = {c.id: c.name for c in channels}
        warnings = {c.id: (c.agent_warning_minutes, c.manager_warning_minutes) for c in channels}
        waiting = db.scalars(select(ChatSession).where(
            ChatSession.channel_id.in_(channel_ids), ChatSession.status == SessionStatus.IN_QUEUE)
            .order_by(ChatSession.requested_at, ChatSession.id)).all()
        return (figures_table(board, t), incoming_list(list(waiting), rights, names, warnings, t),
                ongoing_list(board, rights, names, t), agents_table(board, t))
