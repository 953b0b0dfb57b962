"""Reading the durable streams back: what a (re)connecting client missed, and an agent's snapshot."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from chat.access import channel_ids_with
from chat.actions.feed import agent_frame, message_frame, session_frame, session_summary
from chat.models import (
    OPEN_STATUSES,
    AgentEvent,
    AuthorKind,
    Channel,
    ChatSession,
    Membership,
    Message,
    SessionEvent,
    SessionStatus,
    Transfer,
    TransferState,
    User,
    utcnow,
)

RECENT_WINDOW = timedelta(hours=8)


def session_events_after(db: Session, session_id: int, after_seq: int, *, staff: bool) -> list[dict[str, Any]]:
    """The session's log after `after_seq`, in order: its `SessionEvent` rows and its messages."""
    events = select(SessionEvent).where(SessionEvent.session_id == session_id, SessionEvent.seq > after_seq)
    messages = (
        select(Message, User)
        .outerjoin(User, User.id == Message.author_user_id)
        .where(Message.session_id == session_id, Message.seq > after_seq)
    )
    if not staff:
        events = events.where(SessionEvent.staff_only.is_(False))
        messages = messages.where(Message.staff_only.is_(False))
    frames = [session_frame(event) for event in db.scalars(events)]
    frames += [message_frame(message, author) for message, author in db.execute(messages)]
    return sorted(frames, key=lambda frame: frame["seq"])


def agent_event_visible(frame: dict[str, Any], user_id: int, channel_ids: set[int]) -> bool:
    if frame["user_id"] is not None:
        return bool(frame["user_id"] == user_id)
    return frame["channel_id"] is None or frame["channel_id"] in channel_ids


def agent_events_after(db: Session, user_id: int, channel_ids: set[int], cursor: int) -> list[dict[str, Any]]:
    query = (
        select(AgentEvent)
        .where(
            AgentEvent.id > cursor,
            or_(
                AgentEvent.user_id == user_id,
                (AgentEvent.user_id.is_(None))
                & (AgentEvent.channel_id.is_(None) | AgentEvent.channel_id.in_(channel_ids)),
            ),
        )
        .order_by(AgentEvent.id)
    )
    return [agent_frame(event) for event in db.scalars(query)]


def agent_cursor(db: Session) -> int:
    return db.scalar(select(func.max(AgentEvent.id))) or 0


def _unread(db: Session, session_id: int) -> int:
    return db.scalar(
        select(func.count(Message.id)).where(
            Message.session_id == session_id,
            Message.author_kind == AuthorKind.VISITOR,
            Message.read_at.is_(None),
        )
    ) or 0


def agent_snapshot(db: Session, user: User) -> dict[str, Any]:
    """Everything the workspace shows at first connect; later changes arrive as agent events."""
    responding = channel_ids_with(db, user.id, can_respond=True)
    since = utcnow() - RECENT_WINDOW
    mine = db.scalars(
        select(ChatSession)
        .where(
            ChatSession.agent_id == user.id,
            or_(ChatSession.status.in_(OPEN_STATUSES), ChatSession.ended_at >= since),
        )
        .order_by(ChatSession.requested_at)
    )
    queue = db.scalars(
        select(ChatSession)
        .where(ChatSession.channel_id.in_(responding), ChatSession.status == SessionStatus.IN_QUEUE)
        .order_by(ChatSession.requested_at, ChatSession.id)
    )
    transfers = db.scalars(
        select(Transfer).where(
            Transfer.state == TransferState.REQUESTED,
            (Transfer.to_user_id == user.id) | (Transfer.from_user_id == user.id),
        )
    )
    rights = db.execute(
        select(Membership, Channel).join(Channel, Channel.id == Membership.channel_id)
        .where(Membership.user_id == user.id, Channel.is_deleted.is_(False))
    )
    return {
        "user": {"id": user.id, "display_name": user.display_name, "role": user.role.value,
                 "presence": user.presence.value},
        "channels": [
            {"id": m.channel_id, "name": channel.name, "can_respond": m.can_respond,
             "notifications": m.notifications, "can_listen": m.can_listen, "is_manager": m.is_manager,
             "agent_warning_minutes": channel.agent_warning_minutes,
             "manager_warning_minutes": channel.manager_warning_minutes}
            for m, channel in rights
        ],
        "my_sessions": [session_summary(c) | {"unread": _unread(db, c.id)} for c in mine],
        "queue": [session_summary(c) for c in queue],
        "transfers": [
            {"transfer_id": t.id, "session_id": t.session_id, "from_user_id": t.from_user_id,
             "to_user_id": t.to_user_id}
            for t in transfers
        ],
    }
