"""Giving a queued chat to exactly one agent: pick a specific chat, or the oldest in my queue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.access import channel_ids_with
from chat.actions.errors import ActionError, forbidden, invalid_state
from chat.actions.feed import add_message, append_agent_event, append_session_event, give_to_agent, session_summary
from chat.actions.queue_estimate import append_queue_updates
from chat.models import AuthorKind, Channel, ChatSession, SessionStatus, User, utcnow


def _assign(db: Session, chat: ChatSession, agent: User) -> ChatSession:
    now = utcnow()
    give_to_agent(db, chat, agent)
    chat.started_at = chat.started_at or now
    chat.status = SessionStatus.CUSTOMER_LAST
    chat.last_activity_at = now
    append_session_event(db, chat, "assigned", {
        "agent_id": agent.id,
        "agent_name": agent.name_for_visitors,
        "agent_photo": agent.photo_url,
    })
    channel = db.get(Channel, chat.channel_id)
    if channel is not None and channel.welcome_message:
        add_message(db, chat, author_kind=AuthorKind.SYSTEM, body=channel.welcome_message, system_event="welcome")
    append_agent_event(db, "session_assigned", session_summary(chat), channel_id=chat.channel_id)
    append_queue_updates(db, chat.channel_id)
    return chat


def do_pick_up(db: Session, agent: User, chat: ChatSession) -> ChatSession:
    """`chat` must be fetched with a row lock and the Can respond right checked (access.Need.RESPOND)."""
    if not agent.is_active:
        raise forbidden("Your account is disabled.")
    if chat.status is not SessionStatus.IN_QUEUE:
        raise invalid_state("Someone else has already answered this chat.")
    return _assign(db, chat, agent)


def do_get_next(db: Session, agent: User) -> ChatSession:
    """Oldest waiting chat in the channels where the agent can respond; locked rows are skipped."""
    if not agent.is_active:
        raise forbidden("Your account is disabled.")
    channel_ids = channel_ids_with(db, agent.id, can_respond=True)
    chat = db.scalars(
        select(ChatSession)
        .where(ChatSession.channel_id.in_(channel_ids), ChatSession.status == SessionStatus.IN_QUEUE)
        .order_by(ChatSession.requested_at, ChatSession.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if chat is None:
        raise ActionError("queue_empty", "There is no chat waiting in your channels.")
    return _assign(db, chat, agent)
