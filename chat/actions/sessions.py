"""A chat's life from the visitor's side: start, queue, end, idle close, reopen, rating."""

from __future__ import annotations

from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from chat.actions.availability import channel_is_available
from chat.actions.errors import invalid_input, invalid_state, not_found
from chat.actions.feed import (
    add_message,
    append_agent_event,
    append_session_event,
    give_to_agent,
    session_summary,
)
from chat.actions.queue_estimate import append_queue_updates
from chat.actions.transfers import cancel_pending_transfer
from chat.models import (
    ACTIVE_STATUSES,
    Activity,
    AuthorKind,
    Channel,
    ChatSession,
    Presence,
    SessionStatus,
    User,
    Visitor,
    utcnow,
)

PRECHAT_FIELDS = ("email", "name", "company", "phone", "country")
REOPEN_WINDOW = timedelta(hours=8)


class PrechatForm(BaseModel):
    """What the visitor typed before the chat (SuperOffice field limits)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field("", max_length=255)
    email: str = Field("", max_length=255)
    phone: str = Field("", max_length=32)
    company: str = Field("", max_length=255)
    country: str = Field("", max_length=64)
    consent: bool = False
    question: str = Field("", max_length=1024)
    language: str = Field("", max_length=8)


def check_prechat(channel: Channel, form: PrechatForm) -> PrechatForm:
    if channel.prechat_enabled:
        missing = [f for f in channel.prechat_required_fields if not getattr(form, f, "")]
        if missing:
            raise invalid_input(f"Please fill in: {', '.join(missing)}.")
        if channel.consent_text and not form.consent:
            raise invalid_input("Please give your consent to continue.")
    if form.email:
        try:
            validate_email(form.email, check_deliverability=False)
        except EmailNotValidError as error:
            raise invalid_input(f"The e-mail address is not valid: {error}") from error
    return form


def queue_position(db: Session, chat: ChatSession) -> int:
    """1-based place among the channel's waiting chats (oldest first)."""
    return (db.scalar(
        select(func.count(ChatSession.id)).where(
            ChatSession.channel_id == chat.channel_id,
            ChatSession.status == SessionStatus.IN_QUEUE,
            or_(
                ChatSession.requested_at < chat.requested_at,
                and_(ChatSession.requested_at == chat.requested_at, ChatSession.id < chat.id),
            ),
        )
    ) or 0) + 1


def do_start_session(
    db: Session, visitor: Visitor, channel: Channel, form: PrechatForm, now: datetime | None = None
) -> ChatSession:
    """Queue the visitor, or leave the chat on the offline form when nobody can answer."""
    now = now or utcnow()
    if channel.is_deleted:
        raise not_found(f"Channel {channel.id}")
    check_prechat(channel, form)
    available = channel_is_available(db, channel, now)
    chat = ChatSession(
        channel_id=channel.id,
        visitor_id=visitor.id,
        status=SessionStatus.IN_QUEUE if available else SessionStatus.OFFLINE_FORM,
        language=form.language or channel.language,
        visitor_name=form.name,
        visitor_email=form.email,
        visitor_phone=form.phone,
        visitor_company=form.company,
        visitor_country=form.country,
        consent=form.consent,
        first_question=form.question,
        requested_at=now,
        last_activity_at=now,
    )
    db.add(chat)
    db.flush()
    data: dict[str, object] = {"status": chat.status.value}
    if available:
        chat.initial_queue_position = queue_position(db, chat)
        data["queue_position"] = chat.initial_queue_position
    append_session_event(db, chat, "status", data)
    if available and form.question:
        add_message(db, chat, author_kind=AuthorKind.VISITOR, body=form.question)
    if available:
        append_agent_event(db, "session_queued", session_summary(chat), channel_id=channel.id)
    return chat


def _record_activity(db: Session, chat: ChatSession) -> None:
    if chat.contact_id is None and chat.company_id is None:
        return
    db.add(Activity(
        contact_id=chat.contact_id,
        company_id=chat.company_id,
        session_id=chat.id,
        title=f"Chat: {chat.first_question[:200] or chat.display_name}",
    ))


def do_end_session(db: Session, chat: ChatSession, ended_by: str, now: datetime | None = None) -> None:
    """`ended_by` is agent, visitor or idle. Ending from the queue is a missed chat."""
    now = now or utcnow()
    if chat.status is SessionStatus.IN_QUEUE:
        chat.status = SessionStatus.CLOSED_FROM_QUEUE
        append_queue_updates(db, chat.channel_id)
    elif chat.status in ACTIVE_STATUSES:
        cancel_pending_transfer(db, chat)
        chat.status = SessionStatus.ENDED
        add_message(db, chat, author_kind=AuthorKind.SYSTEM, body="", system_event=f"closed_by_{ended_by}")
        _record_activity(db, chat)
    elif chat.status in (SessionStatus.PRECHAT_FORM, SessionStatus.FAQ, SessionStatus.OFFLINE_FORM):
        chat.status = SessionStatus.CLOSED_FROM_QUEUE
    else:
        raise invalid_state("This chat has already ended.")
    chat.ended_at = now
    chat.ended_by = ended_by
    append_session_event(db, chat, "status", {"status": chat.status.value, "ended_by": ended_by})
    append_agent_event(db, "session_ended", session_summary(chat), channel_id=chat.channel_id)


def idle_session_ids(db: Session, idle_minutes: int, now: datetime | None = None) -> list[int]:
    cutoff = (now or utcnow()) - timedelta(minutes=idle_minutes)
    return list(db.scalars(
        select(ChatSession.id).where(
            ChatSession.status.in_(ACTIVE_STATUSES), ChatSession.last_activity_at < cutoff
        )
    ))


def do_reopen(db: Session, chat: ChatSession, now: datetime | None = None) -> None:
    """The visitor writes again after the end: back to the same agent if Present, else the queue."""
    now = now or utcnow()
    if chat.status is not SessionStatus.ENDED or chat.ended_at is None:
        raise invalid_state("Only an ended chat can be reopened.")
    if now - chat.ended_at > REOPEN_WINDOW:
        raise invalid_state("This chat ended too long ago; please start a new one.")
    agent = db.get(User, chat.agent_id) if chat.agent_id else None
    chat.ended_at = None
    chat.ended_by = None
    if agent is not None and agent.is_active and agent.presence is Presence.PRESENT:
        chat.status = SessionStatus.CUSTOMER_LAST
        give_to_agent(db, chat, agent)
    else:
        chat.status = SessionStatus.IN_QUEUE
        chat.agent_id = None
        chat.requested_at = now
    add_message(db, chat, author_kind=AuthorKind.SYSTEM, body="", system_event="reopened")
    append_session_event(db, chat, "status", {"status": chat.status.value, "agent_id": chat.agent_id})
    kind = "session_queued" if chat.status is SessionStatus.IN_QUEUE else "session_reopened"
    append_agent_event(db, kind, session_summary(chat), channel_id=chat.channel_id)


def do_rate(db: Session, chat: ChatSession, rating: int, comment: str) -> None:
    if chat.started_at is None:
        raise invalid_state("Only a chat that an agent answered can be rated.")
    if not 1 <= rating <= 5:
        raise invalid_input("A rating is 1 to 5 stars.")
    chat.rating = rating
    chat.rating_comment = comment or None
    append_session_event(db, chat, "rated", {"rating": rating, "comment": comment})
    append_agent_event(db, "session_rated", session_summary(chat) | {"rating": rating}, channel_id=chat.channel_id)
