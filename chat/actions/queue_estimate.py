"""The visitor's place in the queue and an honest estimate of the wait, from the live queue.

The estimate is "places ahead of you, including yours" times "seconds one place takes right now":
- when at least `MIN_SAMPLES` chats of the channel were answered in the last `RECENT_WINDOW`, one place
  takes the median of their (queue wait / queue position on arrival): the pace the queue really moves;
- otherwise it takes the channel's mean handle time (answered to ended, last 30 days; 5 minutes when
  there is no history) divided by the number of Present members with Can respond;
- with nobody Present there is no honest number: the estimate is None and the widget says so.

Whenever a chat leaves the queue (answered, ended from the queue, request left instead) every chat still
waiting in the channel gets a sequenced `queue` event with its new position and estimate.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.actions.availability import present_responders
from chat.actions.feed import append_session_event
from chat.models import Channel, ChatSession, SessionStatus, utcnow

RECENT_WINDOW = timedelta(hours=2)
HANDLE_WINDOW = timedelta(days=30)
MIN_SAMPLES = 3
DEFAULT_HANDLE_SECONDS = 300.0


@dataclass(frozen=True)
class QueueInfo:
    position: int
    queue_length: int
    estimated_wait_seconds: int | None
    requested_at: str
    leave_request_allowed: bool
    leave_request_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def waiting_ids(db: Session, channel_id: int) -> list[int]:
    """The channel's queue, first in line first (the order "Get next in queue" uses)."""
    return list(db.scalars(
        select(ChatSession.id)
        .where(ChatSession.channel_id == channel_id, ChatSession.status == SessionStatus.IN_QUEUE)
        .order_by(ChatSession.requested_at, ChatSession.id)
    ))


def seconds_per_place(db: Session, channel_id: int, now: datetime) -> float | None:
    responders = present_responders(db, channel_id)
    if responders == 0:
        return None
    recent = db.execute(
        select(ChatSession.requested_at, ChatSession.started_at, ChatSession.initial_queue_position)
        .where(ChatSession.channel_id == channel_id, ChatSession.started_at >= now - RECENT_WINDOW)
        .order_by(ChatSession.started_at.desc())
        .limit(30)
    ).all()
    paces = [
        max((started - requested).total_seconds(), 0.0) / max(position or 1, 1)
        for requested, started, position in recent
        if started is not None
    ]
    if len(paces) >= MIN_SAMPLES:
        return statistics.median(paces)
    handled = db.execute(
        select(ChatSession.started_at, ChatSession.ended_at)
        .where(ChatSession.channel_id == channel_id, ChatSession.status == SessionStatus.ENDED,
               ChatSession.ended_at >= now - HANDLE_WINDOW, ChatSession.started_at.is_not(None))
        .order_by(ChatSession.ended_at.desc())
        .limit(200)
    ).all()
    durations = [(ended - started).total_seconds() for started, ended in handled if started and ended]
    handle = statistics.fmean(durations) if durations else DEFAULT_HANDLE_SECONDS
    return handle / responders


def _estimate(position: int, per_place: float | None) -> int | None:
    return None if per_place is None else math.ceil(position * per_place)


def _leave_request(channel: Channel, chat: ChatSession, queue_length: int, now: datetime) -> tuple[bool, str | None]:
    """The channel's thresholds: N minutes in the queue, or a queue longer than N chats."""
    at = None
    allowed = False
    if channel.request_from_queue_after_minutes is not None:
        moment = chat.requested_at + timedelta(minutes=channel.request_from_queue_after_minutes)
        allowed = now >= moment
        at = moment.isoformat()
    if channel.request_from_queue_length is not None and queue_length > channel.request_from_queue_length:
        allowed = True
    return allowed, at


def queue_info(db: Session, chat: ChatSession, now: datetime | None = None) -> QueueInfo | None:
    """None when the chat is not waiting."""
    if chat.status is not SessionStatus.IN_QUEUE:
        return None
    now = now or utcnow()
    ids = waiting_ids(db, chat.channel_id)
    position = ids.index(chat.id) + 1 if chat.id in ids else len(ids) + 1
    return _info(db, chat, position=position, length=len(ids),
                 per_place=seconds_per_place(db, chat.channel_id, now), now=now)


def _info(db: Session, chat: ChatSession, *, position: int, length: int, per_place: float | None,
          now: datetime) -> QueueInfo:
    channel = db.get(Channel, chat.channel_id)
    allowed, at = _leave_request(channel, chat, length, now) if channel else (False, None)
    return QueueInfo(
        position=position, queue_length=length, estimated_wait_seconds=_estimate(position, per_place),
        requested_at=chat.requested_at.isoformat(), leave_request_allowed=allowed, leave_request_at=at,
    )


def append_queue_updates(db: Session, channel_id: int, now: datetime | None = None) -> int:
    """Tell every chat still waiting in the channel its new place; returns how many were told.

    Rows another transaction holds are skipped (PostgreSQL): that transaction is changing them anyway,
    and the next movement of the queue corrects their numbers.
    """
    now = now or utcnow()
    ids = waiting_ids(db, channel_id)
    if not ids:
        return 0
    per_place = seconds_per_place(db, channel_id, now)
    locked = db.scalars(
        select(ChatSession).where(ChatSession.id.in_(ids)).with_for_update(skip_locked=True)
    ).all()
    for chat in locked:
        info = _info(db, chat, position=ids.index(chat.id) + 1, length=len(ids), per_place=per_place, now=now)
        append_session_event(db, chat, "queue", info.as_dict())
    return len(locked)
