"""The workspace's right pane: match, search, link and create contacts; the contact's CRM history."""

from __future__ import annotations

from typing import Any

from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update
from pydantic import ValidationError

from chat.access import Need, access_session_for_agent
from chat.actions.contacts import ContactForm, do_create_contact
from chat.actions.errors import ActionError
from chat.actions.requests import do_link_contact, do_link_record, transcript
from chat.models import ChatSession, Contact, User
from pages._auth import require_viewer, services
from pages._workspace_text import workspace_text


def _button(label: str, button_id: dict[str, Any], *, aria: str | None = None) -> html.Button:
    extra = {"aria-label": aria} if aria else {}
    return html.Button(label, id=button_id, n_clicks=0, className="link-button", **extra)


def _contact_choices(contacts: list[Contact], t: dict[str, str]) -> list[Any]:
    return [
        html.Div(className="contact-choice", role="listitem", children=[
            html.Span(f"{c.name} <{c.email or '-'}>"),
            _button(t["link"], {"type": "ws-link-contact", "index": c.id}, aria=f"{t['link']} {c.name}"),
        ])
        for c in contacts
    ]


def _create_form(chat: ChatSession, t: dict[str, str]) -> html.Details:
    return html.Details(className="ws-create-contact", children=[
        html.Summary(t["create_contact"]),
        *[html.Label([t[field], dcc.Input(id={"type": "ws-new-field", "index": field}, value=value, maxLength=limit)])
          for field, value, limit in (
              ("name", chat.visitor_name, 255), ("email", chat.visitor_email, 255),
              ("phone", chat.visitor_phone, 32), ("company", chat.visitor_company, 255),
          )],
        html.Button(t["create_contact"], id={"type": "ws-create-contact", "index": 0}, n_clicks=0,
                    className="btn btn-primary"),
    ])


def _records(title: str, rows: list[Any], kind: str | None, linked_id: int | None, t: dict[str, str]) -> html.Section:
    items = []
    for row in rows:
        label = getattr(row, "title", "")
        parts: list[Any] = [html.Span(f"#{row.id} {label}")]
        if kind is not None:
            parts.append(html.Span(f" ({t['linked']})") if row.id == linked_id else
                         _button(t["link_to_chat"], {"type": "ws-link-record", "kind": kind, "index": row.id},
                                 aria=f"{t['link_to_chat']}: {label}"))
        items.append(html.Li(parts))
    return html.Section([html.H3(title), html.Ul(items or [html.Li("–")])])


def _overview(chat: ChatSession, t: dict[str, str]) -> list[Any]:
    svc = services()
    with svc.db.read() as db:
        found = svc.crm.contact_overview(db, chat.contact_id or 0)
    contact, company = found["contact"], found["company"]
    earlier = [c for c in found["chats"] if c.id != chat.id]
    return [
        html.P([html.Strong(contact.name), html.Br(), contact.email or "", html.Br(), contact.phone or ""]),
        html.P(company.name if company else "", className="muted"),
        html.Button(t["change_contact"], id={"type": "ws-unlink-contact", "index": 0}, n_clicks=0,
                    className="btn btn-secondary"),
        _records(t["requests"], found["requests"], "request", chat.request_id, t),
        _records(t["sales"], found["sales"], "sale", chat.sale_id, t),
        _records(t["follow_ups"], found["follow_ups"], None, None, t),
        html.Section([html.H3(t["earlier_chats"]), html.Ul([
            html.Li(_button(f"{c.requested_at:%Y-%m-%d %H:%M} {c.first_question[:60]}",
                            {"type": "ws-earlier", "index": c.id})) for c in earlier
        ] or [html.Li("–")])]),
    ]


def _matching(chat: ChatSession, t: dict[str, str]) -> list[Any]:
    svc = services()
    with svc.db.read() as db:
        candidates = svc.crm.match_contacts(db, chat.visitor_email, chat.visitor_name)
    return [
        html.Div([html.P(t["could_be"]), html.Div(_contact_choices(candidates, t), role="list")])
        if candidates else html.P(t["no_matches"], className="muted"),
        html.Label([t["search_contacts"], dcc.Input(id={"type": "ws-contact-search", "index": 0}, type="search",
                                                    debounce=0.3)]),
        html.Div(id={"type": "ws-contact-results", "index": 0}, role="list"),
        _create_form(chat, t),
    ]


@callback(
    Output("ws-contact", "children"),
    Input("ws-open-session", "data"),
    Input("ws-contact-version", "data"),
)
def contact_panel(session_id: int | None, _version: int) -> Any:
    viewer = require_viewer()
    t = workspace_text(viewer.language)
    if not session_id:
        return t["no_chat"]
    try:
        with services().db.read() as db:
            chat = access_session_for_agent(db, db.get_one(User, viewer.id), session_id, Need.READ)
    except ActionError as error:
        return html.P(error.message, role="alert")
    return _overview(chat, t) if chat.contact_id else _matching(chat, t)


@callback(
    Output({"type": "ws-contact-results", "index": MATCH}, "children"),
    Input({"type": "ws-contact-search", "index": MATCH}, "value"),
    prevent_initial_call=True,
)
def search_contacts(text: str | None) -> list[Any]:
    viewer = require_viewer()
    if not text or len(text.strip()) < 2:
        return []
    svc = services()
    with svc.db.read() as db:
        found = svc.crm.search_contacts(db, text.strip()[:100])
    return _contact_choices(found, workspace_text(viewer.language))


def _with_own_chat(session_id: int, change: Any) -> None:
    viewer = require_viewer()
    with services().db.write() as db:
        chat = access_session_for_agent(db, db.get_one(User, viewer.id), session_id, Need.OWN, for_update=True)
        change(db, chat)


@callback(
    Output("ws-contact-version", "data"),
    Output("ws-error", "children", allow_duplicate=True),
    Input({"type": "ws-link-contact", "index": ALL}, "n_clicks"),
    Input({"type": "ws-link-record", "kind": ALL, "index": ALL}, "n_clicks"),
    Input({"type": "ws-unlink-contact", "index": ALL}, "n_clicks"),
    Input({"type": "ws-create-contact", "index": ALL}, "n_clicks"),
    State({"type": "ws-new-field", "index": ALL}, "value"),
    State("ws-open-session", "data"),
    State("ws-contact-version", "data"),
    prevent_initial_call=True,
)
def change_contact(_links: list[int], _records: list[int], _unlink: list[int], _create: list[int],
                   new_fields: list[str | None], session_id: int | None, version: int) -> Any:
    trigger = ctx.triggered_id
    clicked = ctx.triggered[0]["value"] if ctx.triggered else None
    if not session_id or not clicked:
        return no_update, no_update
    try:
        if isinstance(trigger, dict) and trigger["type"] == "ws-link-contact":
            _with_own_chat(session_id, lambda db, chat: do_link_contact(db, chat, int(trigger["index"])))
        elif isinstance(trigger, dict) and trigger["type"] == "ws-link-record":
            kind, record_id = trigger["kind"], int(trigger["index"])
            _with_own_chat(session_id, lambda db, chat: do_link_record(db, chat, kind, record_id))
        elif isinstance(trigger, dict) and trigger["type"] == "ws-unlink-contact":
            _with_own_chat(session_id, lambda db, chat: do_link_contact(db, chat, None))
        elif isinstance(trigger, dict) and trigger["type"] == "ws-create-contact":
            name, email, phone, company = (value or "" for value in new_fields)
            form = ContactForm(name=name, email=email, phone=phone, company=company)
            _with_own_chat(session_id, lambda db, chat: do_create_contact(db, chat, form))
    except (ActionError, ValidationError) as error:
        message = error.message if isinstance(error, ActionError) else str(error.errors()[0]["msg"])
        return no_update, message
    return (version or 0) + 1, ""


@callback(
    Output("ws-transcript", "hidden"),
    Output("ws-transcript-body", "children"),
    Input({"type": "ws-earlier", "index": ALL}, "n_clicks"),
    Input("ws-transcript-close", "n_clicks"),
    prevent_initial_call=True,
)
def show_transcript(clicks: list[int], _close: int) -> tuple[bool, str]:
    viewer = require_viewer()
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks):
        return True, ""
    try:
        with services().db.read() as db:
            chat = access_session_for_agent(db, db.get_one(User, viewer.id), int(trigger["index"]), Need.HISTORY)
            return False, transcript(db, chat)
    except ActionError as error:
        return False, error.message
