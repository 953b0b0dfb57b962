"""Requests (tickets) from chats, contact links, and allowing file upload."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.actions.errors import invalid_input, invalid_state, not_found
from chat.actions.feed import add_message, append_agent_event, append_session_event, session_summary
from chat.actions.queue_estimate import append_queue_updates
from chat.crm import CrmAdapter
from chat.models import (
    ACTIVE_STATUSES,
    AuthorKind,
    Channel,
    ChatSession,
    Company,
    Contact,
    CrmRequest,
    Message,
    Sale,
    SessionStatus,
    utcnow,
)


class RequestForm(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=255)
    category: str = Field("Chat", max_length=64)
    priority: str = Field("normal", pattern="^(low|normal|high|urgent)$")
    body: str = Field("", max_length=4000)


def transcript(db: Session, chat: ChatSession) -> str:
    """Plain text of what the visitor saw (whispers are never part of it)."""
    lines = []
    for message in db.scalars(
        select(Message).where(Message.session_id == chat.id).order_by(Message.seq)
    ):
        if message.author_kind is AuthorKind.WHISPER or message.system_event == "transfer_rejected":
            continue
        who = {"visitor": chat.display_name, "agent": "Agent", "system": "System"}[message.author_kind.value]
        text = message.body or (message.system_event or "")
        lines.append(f"[{message.created_at:%Y-%m-%d %H:%M}] {who}: {text}")
    return "\n".join(lines)


def do_create_request(db: Session, crm: CrmAdapter, chat: ChatSession, form: RequestForm) -> CrmRequest:
    """An agent files a request from the chat, with the transcript attached."""
    request = crm.create_request(
        db, title=form.title, category=form.category, priority=form.priority,
        body=(form.body + "\n\n" if form.body else "") + transcript(db, chat),
        contact_id=chat.contact_id, company_id=chat.company_id, session_id=chat.id,
    )
    chat.request_id = request.id
    append_session_event(db, chat, "request_created", {"request_id": request.id, "title": request.title},
                         staff_only=True)
    return request


def do_leave_request(db: Session, crm: CrmAdapter, chat: ChatSession, text: str) -> CrmRequest:
    """The visitor leaves a request instead of chatting (offline form, or from the queue)."""
    if chat.status not in (SessionStatus.OFFLINE_FORM, SessionStatus.IN_QUEUE):
        raise invalid_state("A request can be left only from the offline form or the queue.")
    if not text.strip():
        raise invalid_input("Please describe your request.")
    channel = db.get(Channel, chat.channel_id)
    was_queued = chat.status is SessionStatus.IN_QUEUE
    request = crm.create_request(
        db, title=text.strip()[:255], body=text.strip(), session_id=chat.id,
        category=channel.offline_request_category if channel else "Chat",
        priority=channel.offline_request_priority if channel else "normal",
    )
    chat.request_id = request.id
    chat.status = SessionStatus.REQUEST_POSTED
    chat.ended_at = utcnow()
    chat.ended_by = "visitor"
    append_session_event(db, chat, "status", {"status": chat.status.value, "request_id": request.id})
    if was_queued:
        append_agent_event(db, "session_ended", session_summary(chat), channel_id=chat.channel_id)
        append_queue_updates(db, chat.channel_id)
    return request


def do_link_contact(db: Session, chat: ChatSession, contact_id: int | None) -> None:
    contact = db.get(Contact, contact_id) if contact_id is not None else None
    if contact_id is not None and contact is None:
        raise not_found(f"Contact {contact_id}")
    chat.contact_id = contact.id if contact else None
    chat.company_id = contact.company_id if contact else None
    company = db.get(Company, chat.company_id) if chat.company_id else None
    append_session_event(db, chat, "contact_linked", {
        "contact_id": chat.contact_id,
        "contact_name": contact.name if contact else None,
        "company_id": chat.company_id,
        "company_name": company.name if company else None,
    }, staff_only=True)


def do_allow_upload(db: Session, chat: ChatSession) -> None:
    if chat.status not in ACTIVE_STATUSES:
        raise invalid_state("File upload can be allowed only in an ongoing chat.")
    if chat.upload_allowed:
        return
    chat.upload_allowed = True
    add_message(db, chat, author_kind=AuthorKind.SYSTEM, body="", system_event="upload_allowed")


def do_link_record(db: Session, chat: ChatSession, kind: str, record_id: int) -> None:
    """Link the chat to one of the contact's requests or sales."""
    record: CrmRequest | Sale | None = None
    if kind == "request":
        record = db.get(CrmRequest, record_id)
    elif kind == "sale":
        record = db.get(Sale, record_id)
    if record is None:
        raise not_found(f"The {kind} {record_id}")
    if chat.contact_id is None or record.contact_id != chat.contact_id:
        raise invalid_input(f"That {kind} belongs to another contact.")
    if kind == "request":
        chat.request_id = record_id
    else:
        chat.sale_id = record_id
    append_session_event(db, chat, "record_linked", {"kind": kind, "record_id": record_id}, staff_only=True)
