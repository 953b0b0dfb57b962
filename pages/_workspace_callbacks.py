"""Server callbacks of the workspace dialogs: transfer, create request, insert text, quick replies."""

from __future__ import annotations

import base64
from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from flask import request
from pydantic import ValidationError
from sqlalchemy import select

from chat.access import Need, access_session_for_agent, membership
from chat.actions.attachments import FileStore, Upload, do_agent_upload
from chat.actions.content import (
    INSERT_KINDS,
    QuickReplyForm,
    do_save_quick_reply,
    do_toggle_favourite,
    fill_variables,
    list_insertables,
)
from chat.actions.errors import ActionError
from chat.actions.requests import RequestForm, do_create_request
from chat.actions.transfers import do_request_transfer
from chat.models import Channel, ChatSession, Membership, Presence, User
from pages import _contact_panel  # noqa: F401 - registers the contact panel's callbacks
from pages._auth import require_viewer, services
from pages._workspace_text import workspace_text


def _problem(error: ActionError | ValidationError) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return error.message


@callback(
    Output("ws-transfer-panel", "hidden"),
    Output("ws-transfer-target", "options"),
    Output("ws-transfer-feedback", "children"),
    Input("ws-transfer-open", "n_clicks"),
    State("ws-open-session", "data"),
    prevent_initial_call=True,
)
def open_transfer(_clicks: int, session_id: int | None) -> tuple[bool, list[dict[str, Any]], str]:
    viewer = require_viewer()
    t = workspace_text(viewer.language)
    if not session_id:
        return True, [], ""
    with services().db.read() as db:
        chat = db.get_one(ChatSession, session_id)
        candidates = db.scalars(
            select(User).join(Membership, Membership.user_id == User.id).where(
                Membership.channel_id == chat.channel_id, Membership.can_respond.is_(True),
                User.is_active.is_(True), User.presence == Presence.PRESENT, User.id != viewer.id,
            ).order_by(User.display_name)
        ).all()
        options = [{"label": u.display_name, "value": u.id} for u in candidates]
    return False, options, "" if options else t["nobody_present"]


@callback(
    Output("ws-transfer-feedback", "children", allow_duplicate=True),
    Output("ws-transfer-panel", "hidden", allow_duplicate=True),
    Input("ws-transfer-send", "n_clicks"),
    State("ws-transfer-target", "value"),
    State("ws-open-session", "data"),
    prevent_initial_call=True,
)
def send_transfer(_clicks: int, target: int | None, session_id: int | None) -> Any:
    viewer = require_viewer()
    if not session_id or not target:
        return no_update, no_update
    try:
        with services().db.write() as db:
            user = db.get_one(User, viewer.id)
            try:
                chat = access_session_for_agent(db, user, session_id, Need.OWN, for_update=True)
            except ActionError:
                chat = access_session_for_agent(db, user, session_id, Need.MANAGER, for_update=True)
            do_request_transfer(db, chat, user, target)
    except ActionError as error:
        return _problem(error), False
    return workspace_text(viewer.language)["transfer_sent"], True


@callback(
    Output("ws-request-panel", "hidden"),
    Output("ws-request-title", "value"),
    Input("ws-request-open", "n_clicks"),
    State("ws-open-session", "data"),
    prevent_initial_call=True,
)
def open_request(_clicks: int, session_id: int | None) -> tuple[bool, str]:
    require_viewer()
    if not session_id:
        return True, ""
    with services().db.read() as db:
        chat = db.get_one(ChatSession, session_id)
        return False, (chat.first_question or f"Chat {chat.id}")[:255]


@callback(
    Output("ws-request-feedback", "children"),
    Output("ws-request-panel", "hidden", allow_duplicate=True),
    Output("ws-composer", "value", allow_duplicate=True),
    Input("ws-request-save", "n_clicks"),
    State("ws-request-title", "value"),
    State("ws-request-category", "value"),
    State("ws-request-priority", "value"),
    State("ws-open-session", "data"),
    State("ws-composer", "value"),
    prevent_initial_call=True,
)
def save_request(_clicks: int, title: str | None, category: str, priority: str, session_id: int | None,
                 composer: str | None) -> Any:
    viewer = require_viewer()
    if not session_id:
        return no_update, no_update, no_update
    svc = services()
    try:
        form = RequestForm(title=title or "", category=category, priority=priority)
        with svc.db.write() as db:
            chat = access_session_for_agent(db, db.get_one(User, viewer.id), session_id, Need.OWN, for_update=True)
            created = do_create_request(db, svc.crm, chat, form)
            sentence = workspace_text(chat.language)["request_sentence"].format(id=created.id)
    except (ActionError, ValidationError) as error:
        return _problem(error), False, no_update
    return f"#{created.id}", True, ((composer or "").rstrip() + " " + sentence).strip()


def _insert_rows(items: list[Any], t: dict[str, str]) -> list[Any]:
    return [
        html.Div(className="ws-insert-row", role="listitem", children=[
            html.Button("★" if item.favourite else "☆", id={"type": "ws-fav", "kind": item.kind, "index": item.id},
                        n_clicks=0, className="star", **{"aria-label": f"favourite {item.title}",
                                                         "aria-pressed": "true" if item.favourite else "false"}),
            html.Button(item.title, id={"type": "ws-insert", "kind": item.kind, "index": item.id}, n_clicks=0,
                        className="link-button", title=item.body[:200]),
        ])
        for item in items
    ] or [html.P(t["no_matches"], className="muted")]


@callback(
    Output("ws-insert-list", "children"),
    Input("ws-insert-kind", "value"),
    Input("ws-insert-search", "value"),
    Input({"type": "ws-fav", "kind": ALL, "index": ALL}, "n_clicks"),
    Input("ws-qr-feedback", "children"),
)
def insert_list(kind: str, search: str | None, _stars: list[int], _saved: Any) -> list[Any]:
    viewer = require_viewer()
    kind = kind if kind in INSERT_KINDS else "template"
    trigger = ctx.triggered_id
    with services().db.write() as db:
        user = db.get_one(User, viewer.id)
        if isinstance(trigger, dict) and trigger.get("type") == "ws-fav" and any(_stars):
            do_toggle_favourite(db, user, trigger["kind"], int(trigger["index"]))
        items = list_insertables(db, user, kind, (search or "")[:100])
    return _insert_rows(items, workspace_text(viewer.language))


@callback(
    Output("ws-composer", "value", allow_duplicate=True),
    Input({"type": "ws-insert", "kind": ALL, "index": ALL}, "n_clicks"),
    State("ws-open-session", "data"),
    State("ws-composer", "value"),
    prevent_initial_call=True,
)
def insert_text(clicks: list[int], session_id: int | None, composer: str | None) -> Any:
    viewer = require_viewer()
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return no_update
    with services().db.read() as db:
        user = db.get_one(User, viewer.id)
        chosen = next((i for i in list_insertables(db, user, trigger["kind"]) if i.id == trigger["index"]), None)
        if chosen is None:
            return no_update
        text = chosen.body
        if chosen.kind == "faq":
            text = f"{chosen.title}: {request.host_url.rstrip('/')}/faq/{chosen.id}"
        chat = db.get(ChatSession, session_id) if session_id else None
        if chat is not None and membership(db, user.id, chat.channel_id) is not None:
            channel = db.get_one(Channel, chat.channel_id)
            text = fill_variables(text, visitor_name=chat.display_name, agent_name=user.name_for_visitors,
                                  channel_name=channel.name)
    return ((composer or "").rstrip() + " " + text).strip()


@callback(
    Output("ws-qr-feedback", "children"),
    Input("ws-qr-save", "n_clicks"),
    State("ws-qr-name", "value"),
    State("ws-qr-body", "value"),
    prevent_initial_call=True,
)
def save_quick_reply(_clicks: int, name: str | None, body: str | None) -> str:
    viewer = require_viewer()
    try:
        form = QuickReplyForm(name=name or "", body=body or "")
        with services().db.write() as db:
            saved = do_save_quick_reply(db, db.get_one(User, viewer.id), form)
            return f"✓ {saved.name}"
    except (ActionError, ValidationError) as error:
        return _problem(error)


@callback(
    Output("ws-upload-feedback", "children"),
    Input("ws-upload", "contents"),
    State("ws-upload", "filename"),
    State("ws-open-session", "data"),
    prevent_initial_call=True,
)
def upload_file(contents: str | None, filename: str | None, session_id: int | None) -> str:
    """dcc.Upload hands over a data URL; the file becomes an attachment message like the visitor's."""
    viewer = require_viewer()
    if not contents or not session_id:
        return ""
    config = services().config
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, ValueError):
        return "The file could not be read."
    try:
        with services().db.write() as db:
            user = db.get_one(User, viewer.id)
            chat = access_session_for_agent(db, user, session_id, Need.OWN, for_update=True)
            store = FileStore(config.data_dir / "attachments", config.upload_max_bytes)
            attachment, _message = do_agent_upload(db, store, chat, user, Upload(filename or "file", data))
            return f"✓ {attachment.filename}"
    except ActionError as error:
        return _problem(error)
