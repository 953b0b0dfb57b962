"""/admin: the channels — list, create, edit every setting, members, delete and restore (admins only).

The other admin pages are /admin/people, /admin/content and /admin/audit; every callback here checks
the admin role on the server (pages._admin_common) and hands the change to chat.actions.admin_*.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from pydantic import ValidationError
from sqlalchemy import func, select

from chat.actions.admin_channels import ChannelProperties, do_create_channel, do_delete_channel, do_restore_channel
from chat.actions.errors import ActionError, not_found
from chat.models import OPEN_STATUSES, Channel, ChatSession
from pages import _admin_channel_callbacks  # noqa: F401 - registers the editor's callbacks
from pages._admin_channel_forms import channel_editor
from pages._admin_common import admin_header, admin_read, admin_write, problem, refused, require_admin, saved

dash.register_page(__name__, path="/admin", title="Administration")


def layout(**_query: str) -> html.Div:
    return html.Div(className="admin", children=[
        *admin_header("Channels", "/admin"),
        dcc.Store(id="adm-channel"),
        dcc.Store(id="adm-list-version", data=0),
        html.Div(className="adm-columns", children=[
            html.Aside(className="card adm-list", children=[
                html.H2("Channels"),
                html.Div(id="adm-channel-list", role="list"),
                dcc.Checklist(id="adm-show-deleted", options=[{"label": "Show deleted channels", "value": "on"}],
                              value=[]),
                html.H3("New channel"),
                html.Label("Name of the new channel", htmlFor="adm-new-name"),
                dcc.Input(id="adm-new-name", type="text", maxLength=255),
                html.Button("Create channel", id="adm-new-create", n_clicks=0, className="btn btn-primary"),
                html.Div(id="adm-new-feedback", **{"aria-live": "polite"}),
            ]),
            html.Section(className="card adm-main", children=[
                html.P("Choose a channel to edit, or create one.", id="adm-empty", className="muted"),
                html.Div(id="adm-editor", hidden=True, children=channel_editor()),
            ]),
        ]),
    ])


@callback(
    Output("adm-channel-list", "children"),
    Input("adm-list-version", "data"),
    Input("adm-show-deleted", "value"),
    Input("adm-channel", "data"),
)
def list_channels(_version: int, show_deleted: list[str], chosen: int | None) -> list[Any]:
    require_admin()
    with admin_read() as db:
        query = select(Channel.id, Channel.name, Channel.is_deleted).order_by(func.lower(Channel.name))
        if not show_deleted:
            query = query.where(Channel.is_deleted.is_(False))
        rows = db.execute(query).all()
    return [html.Div(role="listitem", children=html.Button(
        name + (" (deleted)" if deleted else ""), id={"type": "adm-pick", "index": channel_id}, n_clicks=0,
        className="link-button" + (" active" if channel_id == chosen else ""),
        **({"aria-current": "true"} if channel_id == chosen else {}))) for channel_id, name, deleted in rows]


@callback(
    Output("adm-channel", "data", allow_duplicate=True),
    Input({"type": "adm-pick", "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def pick_channel(_clicks: list[int]) -> Any:
    require_admin()
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        return no_update
    return trigger["index"]


@callback(
    Output("adm-new-feedback", "children"),
    Output("adm-channel", "data", allow_duplicate=True),
    Output("adm-list-version", "data", allow_duplicate=True),
    Output("adm-new-name", "value"),
    Input("adm-new-create", "n_clicks"),
    State("adm-new-name", "value"),
    State("adm-list-version", "data"),
    prevent_initial_call=True,
)
def create_channel(_clicks: int, name: str | None, version: int) -> tuple[Any, ...]:
    require_admin()
    try:
        with admin_write() as (db, admin):
            channel = do_create_channel(db, admin, ChannelProperties(name=name or ""))
            created, channel_id = channel.name, channel.id
    except (ActionError, ValidationError) as error:
        return refused(problem(error, {"name": "Name of the new channel"})), no_update, no_update, no_update
    return saved(f"Created {created}."), channel_id, (version or 0) + 1, ""


@callback(
    Output("adm-editor", "hidden"),
    Output("adm-empty", "hidden"),
    Output("adm-editor-title", "children"),
    Output("adm-editor-state", "children"),
    Output("adm-delete", "hidden"),
    Output("adm-restore", "hidden"),
    Input("adm-channel", "data"),
    Input("adm-list-version", "data"),
)
def editor_head(channel_id: int | None, _version: int) -> tuple[Any, ...]:
    require_admin()
    with admin_read() as db:
        channel = db.get(Channel, channel_id) if channel_id else None
        if channel is None:
            return True, False, "", "", True, True
        state = "Deleted: visitors are told the chat is not available." if channel.is_deleted else ""
        return False, True, channel.name, state, channel.is_deleted, not channel.is_deleted


@callback(
    Output("adm-delete-confirm", "hidden"),
    Output("adm-delete-question", "children"),
    Input("adm-delete", "n_clicks"),
    Input("adm-delete-no", "n_clicks"),
    Input("adm-channel", "data"),
    prevent_initial_call=True,
)
def ask_delete(_delete: int, _cancel: int, channel_id: int | None) -> tuple[bool, str]:
    require_admin()
    if ctx.triggered_id != "adm-delete":
        return True, ""
    with admin_read() as db:
        channel = db.get(Channel, channel_id or 0)
        if channel is None:
            return True, ""
        open_chats = db.scalar(select(func.count(ChatSession.id)).where(
            ChatSession.channel_id == channel.id, ChatSession.status.in_(OPEN_STATUSES))) or 0
    going_on = f" The {open_chats} chat(s) waiting or going on now continue until they end." if open_chats else ""
    return False, (f"Delete {channel.name}? Visitors can no longer start chats in it; its history and statistics "
                   f"stay, and you can restore it later.{going_on}")


@callback(
    Output("adm-editor-feedback", "children"),
    Output("adm-list-version", "data", allow_duplicate=True),
    Output("adm-delete-confirm", "hidden", allow_duplicate=True),
    Input("adm-delete-yes", "n_clicks"),
    Input("adm-restore", "n_clicks"),
    State("adm-channel", "data"),
    State("adm-list-version", "data"),
    prevent_initial_call=True,
)
def delete_or_restore(_yes: int, _restore: int, channel_id: int | None, version: int) -> tuple[Any, ...]:
    require_admin()
    deleting = ctx.triggered_id == "adm-delete-yes"
    try:
        with admin_write() as (db, admin):
            channel = db.get(Channel, channel_id or 0)
            if channel is None:
                raise not_found(f"Channel {channel_id}")
            (do_delete_channel if deleting else do_restore_channel)(db, admin, channel)
            name = channel.name
    except ActionError as error:
        return refused(problem(error)), no_update, True
    return saved(f"{name} is {'deleted' if deleting else 'restored'}."), (version or 0) + 1, True
