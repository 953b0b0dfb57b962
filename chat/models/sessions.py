"""Visitors, chat sessions, their sequenced event log, messages, transfers and attachments."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chat.models.base import Base, utcnow
from chat.models.people import Channel, User, _enum


class SessionStatus(enum.StrEnum):
    PRECHAT_FORM = "prechat_form"
    FAQ = "faq"
    OFFLINE_FORM = "offline_form"
    IN_QUEUE = "in_queue"
    CUSTOMER_LAST = "customer_last"
    AGENT_LAST = "agent_last"
    ENDED = "ended"
    CLOSED_FROM_QUEUE = "closed_from_queue"
    REQUEST_POSTED = "request_posted"


ACTIVE_STATUSES = (SessionStatus.CUSTOMER_LAST, SessionStatus.AGENT_LAST)
WAITING_STATUSES = (SessionStatus.IN_QUEUE,)
OPEN_STATUSES = (SessionStatus.IN_QUEUE, *ACTIVE_STATUSES)


class AuthorKind(enum.StrEnum):
    VISITOR = "visitor"
    AGENT = "agent"
    SYSTEM = "system"
    WHISPER = "whisper"


class MessageKind(enum.StrEnum):
    TEXT = "text"
    ATTACHMENT = "attachment"
    SYSTEM = "system"


class TransferState(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Visitor(Base):
    __tablename__ = "visitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(512))
    origin: Mapped[str | None] = mapped_column(String(255))


class ChatSession(Base):
    __tablename__ = "chat_sessions"
    __table_args__ = (
        Index("ix_chat_sessions_channel_status", "channel_id", "status"),
        Index("ix_chat_sessions_agent_status", "agent_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    status: Mapped[SessionStatus] = mapped_column(_enum(SessionStatus))
    language: Mapped[str] = mapped_column(String(8), default="en")
    visitor_name: Mapped[str] = mapped_column(String(255), default="")
    visitor_email: Mapped[str] = mapped_column(String(255), default="")
    visitor_phone: Mapped[str] = mapped_column(String(32), default="")
    visitor_company: Mapped[str] = mapped_column(String(255), default="")
    visitor_country: Mapped[str] = mapped_column(String(64), default="")
    consent: Mapped[bool] = mapped_column(default=False)
    first_question: Mapped[str] = mapped_column(String(1024), default="")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    first_response_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_by: Mapped[str | None] = mapped_column(String(16))
    initial_queue_position: Mapped[int | None] = mapped_column()
    rating: Mapped[int | None] = mapped_column()
    rating_comment: Mapped[str | None] = mapped_column(String(1024))
    upload_allowed: Mapped[bool] = mapped_column(default=False)
    agent_rank: Mapped[int | None] = mapped_column()
    last_seq: Mapped[int] = mapped_column(default=0)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("crm_requests.id"))
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"))
    # the warehouse's watermark: it loads finished chats, so a visitor's message in the same turn leaves it
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    channel: Mapped[Channel] = relationship()
    agent: Mapped[User | None] = relationship()
    visitor: Mapped[Visitor] = relationship()

    @property
    def display_name(self) -> str:
        return self.visitor_name or f"Visitor {self.visitor_id}"


class SessionEvent(Base):
    """The session's durable, sequenced log, except its messages: a message's event is its `Message` row
    (`chat.replay.session_events_after` reads both, in `seq` order)."""

    __tablename__ = "session_events"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    type: Mapped[str] = mapped_column(String(32))
    staff_only: Mapped[bool] = mapped_column(default=False)
    payload: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(Base):
    """A message, and its event in the session's log (`seq`): the event is not stored a second time."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        UniqueConstraint("session_id", "author_kind", "client_msg_id", name="uq_messages_client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    author_kind: Mapped[AuthorKind] = mapped_column(_enum(AuthorKind))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[MessageKind] = mapped_column(_enum(MessageKind))
    system_event: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text, default="")
    client_msg_id: Mapped[str | None] = mapped_column(String(64))
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
    staff_only: Mapped[bool] = mapped_column(default=False)  # a whisper or a rejected transfer: staff see it


class Transfer(Base):
    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), index=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[TransferState] = mapped_column(_enum(TransferState), default=TransferState.REQUESTED)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column()


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), index=True)
    uploaded_by: Mapped[AuthorKind] = mapped_column(_enum(AuthorKind))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column()
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgentEvent(Base):
    """The agent-scope feed (queue, presence, assignment); its id is the agents' resume cursor."""

    __tablename__ = "agent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
