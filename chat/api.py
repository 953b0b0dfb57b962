"""REST API under /api/v1: visitor session start and state, and staff reads (docs/protocol.md)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, request
from pydantic import ValidationError
from sqlalchemy.orm import Session

from chat.access import Need, access_session_for_agent, access_session_for_visitor
from chat.actions.availability import channel_is_available
from chat.actions.errors import ActionError, not_found
from chat.actions.feed import session_summary
from chat.actions.requests import RequestForm, do_create_request, do_leave_request, do_link_contact
from chat.actions.sessions import PrechatForm, do_start_session, queue_position
from chat.auth import current_user_id
from chat.models import Channel, ChatSession, SessionStatus, User, Visitor, utcnow
from chat.replay import agent_snapshot, session_events_after
from chat.tokens import VisitorTokens
from chat.web import error_response, ok, services

api = Blueprint("api", __name__, url_prefix="/api/v1")


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ActionError("invalid_input", "Send a JSON object.")
    return data


def _visitor_id() -> int:
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip()
    return VisitorTokens(services().config.secret_key).visitor_id(token)


def _staff_user(db: Session) -> User:
    user_id = current_user_id()
    user = db.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise ActionError("unauthorized", "Sign in first.")
    return user


def handles_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except ActionError as error:
            return error_response(error)
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "body"
            return error_response(ActionError("invalid_input", f"{field}: {first['msg']}"))

    return wrapper


def visitor_state(db: Session, chat: ChatSession) -> dict[str, Any]:
    agent = db.get(User, chat.agent_id) if chat.agent_id else None
    return {
        "session_id": chat.id,
        "channel_id": chat.channel_id,
        "status": chat.status.value,
        "queue_position": queue_position(db, chat) if chat.status is SessionStatus.IN_QUEUE else None,
        "agent": {"name": agent.name_for_visitors, "photo": agent.photo_url} if agent else None,
        "upload_allowed": chat.upload_allowed,
        "last_seq": chat.last_seq,
        "request_id": chat.request_id,
        "rating": chat.rating,
    }


@api.post("/visitor/sessions")
@handles_errors
def start_session() -> Any:
    body = _body()
    channel_id = body.pop("channel_id", None)
    form = PrechatForm.model_validate(body)
    svc = services()
    with svc.db.write() as db:
        channel = db.get(Channel, channel_id) if isinstance(channel_id, int) else None
        if channel is None or channel.is_deleted:
            raise not_found(f"Channel {channel_id}")
        visitor = _existing_visitor(db) or _new_visitor(db)
        chat = do_start_session(db, visitor, channel, form)
        token = VisitorTokens(svc.config.secret_key).issue(visitor.id)
        return ok(token=token, session=visitor_state(db, chat)), 201


def _existing_visitor(db: Session) -> Visitor | None:
    if not request.headers.get("Authorization"):
        return None
    return db.get(Visitor, _visitor_id())


def _new_visitor(db: Session) -> Visitor:
    visitor = Visitor(
        public_id=str(uuid.uuid4()),
        user_agent=request.headers.get("User-Agent", "")[:512],
        origin=request.headers.get("Origin", "")[:255] or None,
    )
    db.add(visitor)
    db.flush()
    return visitor


@api.get("/visitor/sessions/<int:session_id>")
@handles_errors
def get_visitor_session(session_id: int) -> Any:
    visitor_id = _visitor_id()
    with services().db.read() as db:
        return ok(session=visitor_state(db, access_session_for_visitor(db, visitor_id, session_id)))


@api.post("/visitor/sessions/<int:session_id>/request")
@handles_errors
def leave_request(session_id: int) -> Any:
    visitor_id = _visitor_id()
    text = str(_body().get("text", ""))[:4000]
    svc = services()
    with svc.db.write() as db:
        chat = access_session_for_visitor(db, visitor_id, session_id, for_update=True)
        request_ = do_leave_request(db, svc.crm, chat, text)
        return ok(request_id=request_.id, session=visitor_state(db, chat)), 201


@api.get("/channels/<int:channel_id>/widget")
@handles_errors
def widget_config(channel_id: int) -> Any:
    with services().db.read() as db:
        channel = db.get(Channel, channel_id)
        if channel is None or channel.is_deleted:
            raise not_found(f"Channel {channel_id}")
        return ok(channel={
            "id": channel.id,
            "name": channel.name,
            "language": channel.language,
            "badge_header": channel.badge_header,
            "prechat_enabled": channel.prechat_enabled,
            "prechat_required_fields": channel.prechat_required_fields,
            "consent_text": channel.consent_text,
            "rating_text": channel.rating_text,
            "widget": channel.widget,
            "available": channel_is_available(db, channel, utcnow()),
        })


@api.get("/me")
@handles_errors
def me() -> Any:
    with services().db.read() as db:
        return ok(**agent_snapshot(db, _staff_user(db)))


@api.get("/sessions/<int:session_id>")
@handles_errors
def session_for_staff(session_id: int) -> Any:
    with services().db.read() as db:
        chat = access_session_for_agent(db, _staff_user(db), session_id, Need.READ)
        return ok(session=session_summary(chat))


@api.get("/sessions/<int:session_id>/events")
@handles_errors
def session_events(session_id: int) -> Any:
    after = request.args.get("after", 0, type=int)
    with services().db.read() as db:
        access_session_for_agent(db, _staff_user(db), session_id, Need.READ)
        return ok(events=session_events_after(db, session_id, after, staff=True))


@api.post("/sessions/<int:session_id>/requests")
@handles_errors
def create_request(session_id: int) -> Any:
    form = RequestForm.model_validate(_body())
    svc = services()
    with svc.db.write() as db:
        chat = access_session_for_agent(db, _staff_user(db), session_id, Need.OWN, for_update=True)
        request_ = do_create_request(db, svc.crm, chat, form)
        return ok(request_id=request_.id), 201


@api.put("/sessions/<int:session_id>/contact")
@handles_errors
def link_contact(session_id: int) -> Any:
    contact_id = _body().get("contact_id")
    if contact_id is not None and (isinstance(contact_id, bool) or not isinstance(contact_id, int)):
        raise ActionError("invalid_input", "contact_id must be a number or null.")
    with services().db.write() as db:
        chat = access_session_for_agent(db, _staff_user(db), session_id, Need.OWN, for_update=True)
        do_link_contact(db, chat, contact_id)
        return ok(contact_id=chat.contact_id, company_id=chat.company_id)


@api.get("/contacts")
@handles_errors
def search_contacts() -> Any:
    svc = services()
    with svc.db.read() as db:
        _staff_user(db)
        found = svc.crm.search_contacts(db, request.args.get("q", "")[:100])
        return ok(contacts=[{"id": c.id, "name": c.name, "email": c.email, "company_id": c.company_id}
                            for c in found])
