"""A channel's opening hours: one row per weekday in the channel's time zone, with an optional lunch break.

"Always open" stores no rows (chat.actions.availability treats that as open). Otherwise all seven days
are stored, a closed day as an empty interval (opens == closes), so "closed every day" stays closed.
"""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from zoneinfo import available_timezones

from pydantic import Field, field_validator, model_validator
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from chat.actions.admin_channels import channel_changed
from chat.actions.audit import do_audit
from chat.actions.errors import invalid_state
from chat.actions.forms import AdminForm, format_clock, parse_clock
from chat.models import Channel, OpeningHours, User, utcnow

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOSED = time(0)


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


class DayHours(AdminForm):
    """Times as typed ("08:00"); lunch is both ends or neither."""

    weekday: int = Field(ge=0, le=6)
    open: bool = False
    opens: str = "08:00"
    closes: str = "17:00"
    lunch_start: str = ""
    lunch_end: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> DayHours:
        if not self.open:
            return self
        day = WEEKDAYS[self.weekday]
        opens, closes = parse_clock(self.opens, f"{day}, opens"), parse_clock(self.closes, f"{day}, closes")
        if closes <= opens:
            raise ValueError(f"{day}: closing time {self.closes} must be after opening time {self.opens}")
        if bool(self.lunch_start) != bool(self.lunch_end):
            raise ValueError(f"{day}: give both the start and the end of the lunch break, or neither")
        if self.lunch_start:
            start = parse_clock(self.lunch_start, f"{day}, lunch from")
            end = parse_clock(self.lunch_end, f"{day}, lunch until")
            if not opens <= start < end <= closes:
                raise ValueError(f"{day}: the lunch break ({self.lunch_start}–{self.lunch_end}) must lie "
                                 f"within the opening hours ({self.opens}–{self.closes})")
        return self


class WeekHours(AdminForm):
    always_open: bool = True
    time_zone: str = "Europe/Stockholm"
    days: list[DayHours] = Field(default_factory=list)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value not in time_zones():
            raise ValueError(f"“{value[:64]}” is not a time zone; choose one such as Europe/Stockholm")
        return value

    @model_validator(mode="after")
    def _every_day_once(self) -> WeekHours:
        if not self.always_open and sorted(d.weekday for d in self.days) != list(range(7)):
            raise ValueError("give the hours of each of the seven weekdays")
        return self


def week_hours(db: Session, channel: Channel) -> WeekHours:
    """The stored hours as the form shows them; an always-open channel shows weekdays 08:00–17:00."""
    rows = {h.weekday: h for h in db.scalars(select(OpeningHours).where(OpeningHours.channel_id == channel.id))}
    days = []
    for weekday in range(7):
        row = rows.get(weekday)
        if row is None or row.opens == row.closes:
            days.append(DayHours(weekday=weekday, open=not rows and weekday < 5))
            continue
        days.append(DayHours(
            weekday=weekday, open=True, opens=format_clock(row.opens), closes=format_clock(row.closes),
            lunch_start=format_clock(row.lunch_start) if row.lunch_start else "",
            lunch_end=format_clock(row.lunch_end) if row.lunch_end else "",
        ))
    return WeekHours(always_open=not rows, time_zone=channel.time_zone, days=days)


def _row(channel_id: int, day: DayHours) -> OpeningHours:
    if not day.open:
        return OpeningHours(channel_id=channel_id, weekday=day.weekday, opens=CLOSED, closes=CLOSED)
    name = WEEKDAYS[day.weekday]
    return OpeningHours(
        channel_id=channel_id, weekday=day.weekday,
        opens=parse_clock(day.opens, name), closes=parse_clock(day.closes, name),
        lunch_start=parse_clock(day.lunch_start, name) if day.lunch_start else None,
        lunch_end=parse_clock(day.lunch_end, name) if day.lunch_end else None,
    )


def _summary(hours: WeekHours) -> dict[str, str]:
    if hours.always_open:
        return {"hours": "always open", "time_zone": hours.time_zone}
    described = {"time_zone": hours.time_zone}
    for day in sorted(hours.days, key=lambda d: d.weekday):
        text = f"{day.opens}–{day.closes}" if day.open else "closed"
        if day.open and day.lunch_start:
            text += f" (lunch {day.lunch_start}–{day.lunch_end})"
        described[WEEKDAYS[day.weekday]] = text
    return described


def do_set_opening_hours(db: Session, admin: User, channel: Channel, hours: WeekHours) -> bool:
    """Replace the channel's hours; False (nothing written) when they are the same as before."""
    if channel.is_deleted:
        raise invalid_state("This channel is deleted; restore it before you change it.")
    before = _summary(week_hours(db, channel))
    after = _summary(hours)
    if before == after:
        return False
    db.execute(delete(OpeningHours).where(OpeningHours.channel_id == channel.id))
    if not hours.always_open:
        db.add_all(_row(channel.id, day) for day in hours.days)
    channel.time_zone = hours.time_zone
    channel.updated_at = utcnow()
    changed = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    do_audit(db, admin, "opening_hours_updated", channel_id=channel.id, details={"changes": changed})
    channel_changed(db, channel)
    return True
