"""Is a channel open now: opening hours in its time zone, lunch break, and a Present responder."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chat.models import Channel, Membership, OpeningHours, Presence, User


def within_opening_hours(channel: Channel, hours: list[OpeningHours], now: datetime) -> bool:
    """No opening hours configured means always open."""
    if not hours:
        return True
    local = now.astimezone(ZoneInfo(channel.time_zone))
    today = next((h for h in hours if h.weekday == local.weekday()), None)
    if today is None:
        return False
    clock = local.time().replace(tzinfo=None)
    if not today.opens <= clock < today.closes:
        return False
    in_lunch = (
        today.lunch_start is not None
        and today.lunch_end is not None
        and today.lunch_start <= clock < today.lunch_end
    )
    return not in_lunch


def next_opening_change(channel: Channel, hours: list[OpeningHours], now: datetime) -> datetime | None:
    """The next moment the opening hours open or close the channel (lunch included), within a week;
    None when the hours never change it (always open, or closed every day)."""
    zone = ZoneInfo(channel.time_zone)
    today = now.astimezone(zone).date()
    by_weekday = {h.weekday: h for h in hours if h.opens != h.closes}
    for offset in range(8):
        day = today + timedelta(days=offset)
        row = by_weekday.get(day.weekday())
        if row is None:
            continue
        moments = [datetime.combine(day, t, tzinfo=zone) for t in (row.opens, row.lunch_start, row.lunch_end)
                   if t is not None]
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone) if row.closes == time.max \
            else datetime.combine(day, row.closes, tzinfo=zone)
        later = sorted(m for m in (*moments, end) if m > now)
        if later:
            return later[0]
    return None


def present_responders(db: Session, channel_id: int) -> int:
    return db.scalar(
        select(func.count(User.id))
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.channel_id == channel_id,
            Membership.can_respond.is_(True),
            User.is_active.is_(True),
            User.presence == Presence.PRESENT,
        )
    ) or 0


def channel_is_available(db: Session, channel: Channel, now: datetime) -> bool:
    hours = list(db.scalars(select(OpeningHours).where(OpeningHours.channel_id == channel.id)))
    return within_opening_hours(channel, hours, now) and present_responders(db, channel.id) > 0
