"""The visitor's place in the queue and an honest estimate of the wait, from the channel's queue model.

The estimate comes from the M/M/N queue that the staffing planner's Erlang C is built on
(`analytics.erlang.queue_wait_estimate`): a visitor at place k waits while every one of the N agents who
can respond is busy, and busy agents finish chats at the rate N / AHT, so the visitor waits for k
completions, k x AHT / N on average. The arrival rate only decides how often visitors have to wait at
all; once a visitor's place is known it no longer changes their wait (tests/unit/test_queue_estimate.py
checks this against the textbook Erlang C figures).
- N: members of the channel with Can respond who are Present now;
- AHT: the mean handle time (answered to ended) of the channel's latest `HANDLE_SAMPLE` chats that
  ended in the last `HANDLE_WINDOW`, else `DEFAULT_HANDLE_SECONDS`;
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

from analytics import erlang
from chat.actions.availability import present_responders
from chat.actions.feed import append_session_event
from chat.models import Channel, ChatSession, SessionStatus, utcnow

HANDLE_WINDOW = timedelta(days=30)
HANDLE_SAMPLE = 200
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


def handle_seconds(db: Session, channel_id: int, now: datetime) -> float:
    """The channel's recent average handle time (AHT), or the default without history."""
    handled = db.execute(
        select(ChatSession.started_at, ChatSession.ended_at)
        .where(ChatSession.channel_id == channel_id, ChatSession.status == SessionStatus.ENDED,
               ChatSession.ended_at >= now - HANDLE_WINDOW, ChatSession.started_at.is_not(None))
        .order_by(ChatSession.ended_at.desc())
        .limit(HANDLE_SAMPLE)
    ).all()
    durations = [max((ended - started).total_seconds(), 0.0) for started, ended in handled if started and ended]
    return statistics.fmean(durations) if durations else DEFAULT_HANDLE_SECONDS


@dataclass(frozen=True)
class QueueModel:
    """The channel's M/M/N queue as it stands: agents who can answer now and the recent handle time."""

    agents: int
    handle_seconds: float

    def wait(self, position: int) -> int | None:
        expected = erlang.queue_wait_estimate(position, self.agents, self.handle_seconds)
        return None if expected is None else math.ceil(expected)


def queue_model(db: Session, channel_id: int, now: datetime) -> QueueModel:
    return QueueModel(present_responders(db, channel_id), handle_seconds(db, channel_id, now))


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
    return _info(db, chat, position=position, length=len(ids), model=queue_model(db, chat.channel_id, now),
                 now=now)


def _info(db: Session, chat: ChatSession, *, position: int, length: int, model: QueueModel,
          now: datetime) -> QueueInfo:
    channel = db.get(Channel, chat.channel_id)
    allowed, at = _leave_request(channel, chat, length, now) if channel else (False, None)
    return QueueInfo(
        position=position, queue_length=length, estimated_wait_seconds=model.wait(position),
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
    model = queue_model(db, channel_id, now)
    locked = db.scalars(
        select(ChatSession).where(ChatSession.id.in_(ids)).with_for_update(skip_locked=True)
    ).all()
    for chat in locked:
        info = _info(db, chat, position=ids.index(chat.id) + 1, length=len(ids), model=model, now=now)
        append_session_event(db, chat, "queue", info.as_dict())
    return len(locked)
