"""Live figures for the supervisor dashboard, read from the relational store (history lives in DuckDB)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import mean
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chat.models import (
    ACTIVE_STATUSES,
    Channel,
    ChatSession,
    Membership,
    Presence,
    SessionStatus,
    User,
)

MISSED_STATUSES = (SessionStatus.CLOSED_FROM_QUEUE, SessionStatus.REQUEST_POSTED)


@dataclass
class ChannelFigures:
    channel_id: int
    name: str
    waiting: int = 0
    longest_wait_since: datetime | None = None
    agents_present: int = 0
    agents_away: int = 0
    active_chats: int = 0
    chats_today: int = 0
    answered_today: int = 0
    missed_today: int = 0
    avg_wait_seconds: float | None = None
    avg_duration_seconds: float | None = None
    service_level: float | None = None
    avg_rating: float | None = None
    ended_today: int = 0  # answered and finished: the chats behind avg_duration_seconds
    rated_today: int = 0  # the chats behind avg_rating


@dataclass
class AgentRow:
    user_id: int
    name: str
    presence: str
    active_chats: int = 0
    chats_today: int = 0
    waiting_for_reply_since: datetime | None = None


@dataclass
class LiveBoard:
    channels: list[ChannelFigures]
    agents: list[AgentRow]
    ongoing: list[ChatSession] = field(default_factory=list)
    agent_names: dict[int, str] = field(default_factory=dict)


def local_midnight(channel: Channel, now: datetime) -> datetime:
    local = now.astimezone(ZoneInfo(channel.time_zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _figures(db: Session, channel: Channel, now: datetime) -> ChannelFigures:
    figures = ChannelFigures(channel.id, channel.name)
    midnight = local_midnight(channel, now)
    relevant = db.scalars(select(ChatSession).where(
        ChatSession.channel_id == channel.id,
        or_(ChatSession.requested_at >= midnight, ChatSession.status.in_((SessionStatus.IN_QUEUE, *ACTIVE_STATUSES))),
    )).all()
    waiting = [c for c in relevant if c.status is SessionStatus.IN_QUEUE]
    figures.waiting = len(waiting)
    figures.longest_wait_since = min((c.requested_at for c in waiting), default=None)
    figures.active_chats = sum(1 for c in relevant if c.status in ACTIVE_STATUSES)
    today = [c for c in relevant if c.requested_at >= midnight and c.initial_queue_position is not None]
    answered = [c for c in today if c.started_at is not None]
    missed = [c for c in today if c.started_at is None and c.status in MISSED_STATUSES]
    figures.chats_today, figures.answered_today, figures.missed_today = len(today), len(answered), len(missed)
    waits = [(c.started_at - c.requested_at).total_seconds() for c in answered if c.started_at]
    figures.avg_wait_seconds = mean(waits) if waits else None
    durations = [(c.ended_at - c.started_at).total_seconds() for c in answered if c.ended_at and c.started_at]
    figures.avg_duration_seconds = mean(durations) if durations else None
    figures.ended_today = len(durations)
    offered = len(answered) + len(missed)
    within = sum(1 for w in waits if w <= channel.service_level_seconds)
    figures.service_level = within / offered if offered else None
    ratings = [c.rating for c in today if c.rating is not None]
    figures.avg_rating = mean(ratings) if ratings else None
    figures.rated_today = len(ratings)
    return figures


def live_board(db: Session, channel_ids: list[int], now: datetime) -> LiveBoard:
    channels = db.scalars(select(Channel).where(Channel.id.in_(channel_ids), Channel.is_deleted.is_(False))
                          .order_by(Channel.name)).all()
    board = LiveBoard([_figures(db, c, now) for c in channels], [])
    members = db.execute(
        select(User, Membership.channel_id).join(Membership, Membership.user_id == User.id).where(
            Membership.channel_id.in_(channel_ids), Membership.can_respond.is_(True), User.is_active.is_(True))
    ).all()
    for figures in board.channels:
        present = {u.id for u, channel_id in members if channel_id == figures.channel_id
                   and u.presence is Presence.PRESENT}
        everyone = {u.id for u, channel_id in members if channel_id == figures.channel_id}
        figures.agents_present, figures.agents_away = len(present), len(everyone - present)
    earliest = min((local_midnight(c, now) for c in channels), default=now - timedelta(days=1))
    mine = db.scalars(select(ChatSession).where(
        ChatSession.channel_id.in_(channel_ids), ChatSession.agent_id.is_not(None),
        or_(ChatSession.status.in_(ACTIVE_STATUSES), ChatSession.started_at >= earliest),
    )).all()
    users = {u.id: u for u, _channel in members}
    for user in sorted(users.values(), key=lambda u: u.display_name):
        theirs = [c for c in mine if c.agent_id == user.id]
        active = [c for c in theirs if c.status in ACTIVE_STATUSES]
        waiting = [c.last_activity_at for c in active if c.status is SessionStatus.CUSTOMER_LAST]
        board.agents.append(AgentRow(user.id, user.display_name, user.presence.value, len(active),
                                     sum(1 for c in theirs if c.started_at and c.started_at >= earliest),
                                     min(waiting, default=None)))
    board.ongoing = sorted((c for c in mine if c.status in ACTIVE_STATUSES), key=lambda c: c.started_at or now)
    agent_ids = {c.agent_id for c in board.ongoing if c.agent_id}
    board.agent_names = {u.id: u.display_name for u in db.scalars(select(User).where(User.id.in_(agent_ids)))}
    return board
