"""Messages both ways, read marks, and the ephemeral typing / draft signals."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from chat.actions.errors import invalid_input, invalid_state
from chat.actions.feed import add_message, append_agent_event, append_session_event, session_summary
from chat.actions.sessions import do_reopen
from chat.bus import Bus, session_topic
from chat.models import (
    ACTIVE_STATUSES,
    AuditEntry,
    AuthorKind,
    ChatSession,
    Message,
    SessionStatus,
    User,
    utcnow,
)

MAX_MESSAGE_LENGTH = 1024


def check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise invalid_input("A message cannot be empty.")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise invalid_input(f"A message holds at most {MAX_MESSAGE_LENGTH} characters.")
    return text


def _already_stored(db: Session, chat: ChatSession, author_kind: AuthorKind, client_msg_id: str) -> Message | None:
    return db.scalars(
        select(Message).where(
            Message.session_id == chat.id,
            Message.author_kind == author_kind,
            Message.client_msg_id == client_msg_id,
        )
    ).first()


def do_send_visitor_message(db: Session, chat: ChatSession, text: str, client_msg_id: str) -> Message:
    """Idempotent on `client_msg_id`: a retried send returns the stored message."""
    existing = _already_stored(db, chat, AuthorKind.VISITOR, client_msg_id)
    if existing is not None:
        return existing
    text = check_text(text)
    if chat.status is SessionStatus.ENDED:
        do_reopen(db, chat)
    if chat.status not in (SessionStatus.IN_QUEUE, *ACTIVE_STATUSES):
        raise invalid_state("This chat is closed; please start a new one.")
    message = add_message(db, chat, author_kind=AuthorKind.VISITOR, body=text, client_msg_id=client_msg_id)
    if chat.status in ACTIVE_STATUSES:
        _turn_to(db, chat, SessionStatus.CUSTOMER_LAST)
    return message


def _turn_to(db: Session, chat: ChatSession, status: SessionStatus) -> None:
    """Who waits for whom changed: the dashboards' "waiting for a reply" figures follow this event."""
    if chat.status is status:
        return
    chat.status = status
    append_agent_event(db, "session_activity", session_summary(chat), channel_id=chat.channel_id)


def do_send_agent_message(
    db: Session, chat: ChatSession, agent: User, text: str, client_msg_id: str
) -> Message:
    existing = _already_stored(db, chat, AuthorKind.AGENT, client_msg_id)
    if existing is not None:
        return existing
    text = check_text(text)
    if chat.status not in ACTIVE_STATUSES:
        raise invalid_state("You can only write in an ongoing chat.")
    message = add_message(
        db, chat, author_kind=AuthorKind.AGENT, author=agent, body=text, client_msg_id=client_msg_id
    )
    _turn_to(db, chat, SessionStatus.AGENT_LAST)
    if chat.first_response_at is None:
        chat.first_response_at = message.created_at
    return message


def do_whisper(db: Session, chat: ChatSession, supervisor: User, text: str, client_msg_id: str) -> Message:
    """A note only staff see; it never reaches the visitor's socket or transcript."""
    existing = _already_stored(db, chat, AuthorKind.WHISPER, client_msg_id)
    if existing is not None:
        return existing
    if chat.status not in ACTIVE_STATUSES:
        raise invalid_state("You can only whisper in an ongoing chat.")
    db.add(AuditEntry(actor_user_id=supervisor.id, action="whisper", session_id=chat.id, channel_id=chat.channel_id,
                      details={"agent_id": chat.agent_id, "length": len(text)}))
    return add_message(
        db, chat, author_kind=AuthorKind.WHISPER, author=supervisor, body=check_text(text),
        client_msg_id=client_msg_id, staff_only=True,
    )


def do_mark_read(db: Session, chat: ChatSession, reader: AuthorKind, up_to_seq: int) -> int:
    """Mark the other side's messages up to `up_to_seq` read; returns how many changed."""
    other = AuthorKind.AGENT if reader is AuthorKind.VISITOR else AuthorKind.VISITOR
    result = db.execute(
        update(Message)
        .where(
            Message.session_id == chat.id,
            Message.author_kind == other,
            Message.seq <= up_to_seq,
            Message.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    changed = cast(CursorResult[Any], result).rowcount
    if changed:
        append_session_event(db, chat, "read", {"reader": reader.value, "up_to_seq": up_to_seq})
    return changed or 0


def publish_signal(bus: Bus, chat: ChatSession, kind: str, data: dict[str, Any], *, staff_only: bool) -> None:
    """Typing and drafts are not stored: they carry the last sequence number, not a new one."""
    bus.publish(session_topic(chat.id), {
        "type": "signal",
        "session_id": chat.id,
        "seq": chat.last_seq,
        "event": kind,
        "staff_only": staff_only,
        "data": data,
    })
