"""Appending to the two durable event streams: a session's log and the agents' feed.

Both are written inside the caller's transaction and published only after it commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from chat.bus import AGENTS_TOPIC, session_topic
from chat.db import publish_on_commit
from chat.models import (
    ACTIVE_STATUSES,
    AgentEvent,
    AuthorKind,
    ChatSession,
    Message,
    MessageKind,
    SessionEvent,
    User,
    utcnow,
)

AGENT_FEED_LOCK = 7_301_001


def session_frame(event: SessionEvent) -> dict[str, Any]:
    return {
        "type": "event",
        "session_id": event.session_id,
        "seq": event.seq,
        "event": event.type,
        "staff_only": event.staff_only,
        "data": event.payload,
        "at": event.created_at.isoformat(),
    }


def message_frame(message: Message, author: User | None) -> dict[str, Any]:
    """A message's event in the session's log: the message row is the event (no `SessionEvent` row)."""
    return {
        "type": "event",
        "session_id": message.session_id,
        "seq": message.seq,
        "event": "message",
        "staff_only": message.staff_only,
        "data": message_data(message, author),
        "at": message.created_at.isoformat(),
    }


def agent_frame(event: AgentEvent) -> dict[str, Any]:
    return {
        "type": "agent_event",
        "cursor": event.id,
        "event": event.kind,
        "channel_id": event.channel_id,
        "user_id": event.user_id,
        "data": event.payload,
        "at": event.created_at.isoformat(),
    }


def append_session_event(
    db: Session, chat: ChatSession, kind: str, data: dict[str, Any], *, staff_only: bool = False
) -> SessionEvent:
    """Give the event the session's next sequence number. `chat` must be locked by the caller."""
    chat.last_seq += 1
    event = SessionEvent(
        session_id=chat.id,
        seq=chat.last_seq,
        type=kind,
        staff_only=staff_only,
        payload=data,
        created_at=utcnow(),
    )
    db.add(event)
    publish_on_commit(db, session_topic(chat.id), session_frame(event))
    return event


def append_agent_event(
    db: Session,
    kind: str,
    data: dict[str, Any],
    *,
    channel_id: int | None = None,
    user_id: int | None = None,
) -> AgentEvent:
    """Scope: `user_id` targets one user, `channel_id` the channel's members, neither everybody."""
    if db.get_bind().dialect.name == "postgresql":
        # Agent events commit in id order, so a reader that sees id N+1 knows N is committed or gone.
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AGENT_FEED_LOCK})
    event = AgentEvent(kind=kind, channel_id=channel_id, user_id=user_id, payload=data, created_at=utcnow())
    db.add(event)
    db.flush()
    publish_on_commit(db, AGENTS_TOPIC, agent_frame(event))
    return event


def message_data(message: Message, author: User | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message_id": message.id,
        "author": message.author_kind.value,
        "kind": message.kind.value,
        "body": message.body,
        "client_msg_id": message.client_msg_id,
    }
    if message.system_event:
        data["system_event"] = message.system_event
    if author is not None:
        data["author_name"] = author.name_for_visitors
        data["author_user_id"] = author.id
    if message.attachment_id is not None:
        data["attachment_id"] = message.attachment_id
    return data


def add_message(
    db: Session,
    chat: ChatSession,
    *,
    author_kind: AuthorKind,
    body: str,
    author: User | None = None,
    system_event: str | None = None,
    client_msg_id: str | None = None,
    attachment_id: int | None = None,
    staff_only: bool = False,
) -> Message:
    if system_event:
        kind = MessageKind.SYSTEM
    elif attachment_id is not None:
        kind = MessageKind.ATTACHMENT
    else:
        kind = MessageKind.TEXT
    now = utcnow()
    chat.last_seq += 1
    message = Message(
        session_id=chat.id,
        seq=chat.last_seq,
        author_kind=author_kind,
        author_user_id=author.id if author else None,
        kind=kind,
        system_event=system_event,
        body=body,
        client_msg_id=client_msg_id,
        attachment_id=attachment_id,
        staff_only=staff_only,
        created_at=now,
    )
    db.add(message)
    db.flush()
    publish_on_commit(db, session_topic(chat.id), message_frame(message, author))
    chat.last_activity_at = now
    return message


def session_summary(chat: ChatSession) -> dict[str, Any]:
    """What agent-scope lists (queue, my chats) need to show one chat row."""
    return {
        "session_id": chat.id,
        "channel_id": chat.channel_id,
        "status": chat.status.value,
        "agent_id": chat.agent_id,
        "visitor_name": chat.display_name,
        "visitor_email": chat.visitor_email,
        "first_question": chat.first_question,
        "requested_at": chat.requested_at.isoformat(),
        "started_at": chat.started_at.isoformat() if chat.started_at else None,
        "ended_at": chat.ended_at.isoformat() if chat.ended_at else None,
        "last_seq": chat.last_seq,
        "agent_rank": chat.agent_rank,
    }


def lowest_free_rank(db: Session, agent_id: int, *, exclude_session_id: int | None = None) -> int:
    """The agent's chats are numbered from 1 (their colour); a new one takes the lowest free number."""
    taken = set(db.scalars(
        select(ChatSession.agent_rank).where(
            ChatSession.agent_id == agent_id,
            ChatSession.status.in_(ACTIVE_STATUSES),
            ChatSession.agent_rank.is_not(None),
            ChatSession.id != (exclude_session_id or 0),
        )
    ))
    return next(rank for rank in range(1, len(taken) + 2) if rank not in taken)


def give_to_agent(db: Session, chat: ChatSession, agent: User) -> None:
    chat.agent_rank = lowest_free_rank(db, agent.id, exclude_session_id=chat.id)
    chat.agent_id = agent.id


def lock_session(db: Session, session_id: int) -> ChatSession | None:
    return db.scalars(select(ChatSession).where(ChatSession.id == session_id).with_for_update()).first()
