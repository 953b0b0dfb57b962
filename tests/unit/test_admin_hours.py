"""Opening hours per weekday, with a time zone and a lunch break: validation, storage and availability."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from chat.actions.admin_hours import DayHours, WeekHours, do_set_opening_hours, week_hours
from chat.actions.availability import channel_is_available, next_opening_change, within_opening_hours
from chat.db import Database
from chat.models import AuditEntry, Channel, OpeningHours, Role, User
from tests.factories import make_channel, make_user
from tests.unit.conftest import RecordingBus

# 2026-11-23 is a Monday; Stockholm is UTC+1 in November.
MONDAY_10_LOCAL = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def office_week(**monday: Any) -> WeekHours:
    """Monday–Friday 08:00–17:00 with lunch 12:00–13:00, closed at the weekend."""
    days = [DayHours(weekday=d, open=d < 5, opens="08:00", closes="17:00", lunch_start="12:00", lunch_end="13:00")
            for d in range(7)]
    days[0] = DayHours(**{**days[0].model_dump(), **monday})
    return WeekHours(always_open=False, time_zone="Europe/Stockholm", days=days)


def set_hours(database: Database, hours: WeekHours) -> tuple[int, bool]:
    with database.write() as db:
        channel = db.scalars(select(Channel)).first() or make_channel(db)
        admin = db.scalars(select(User).where(User.role == Role.ADMIN)).first() or make_user(db, role=Role.ADMIN)
        if not channel.memberships:
            make_user(db, channels=(channel,))
        return channel.id, do_set_opening_hours(db, admin, channel, hours)


def hours_of(database: Database, channel_id: int) -> tuple[Channel, list[OpeningHours]]:
    with database.read() as db:
        channel = db.get_one(Channel, channel_id)
        return channel, list(db.scalars(select(OpeningHours).where(OpeningHours.channel_id == channel_id)))


@pytest.mark.parametrize(("day", "message"), [
    ({"opens": "17:00", "closes": "08:00"}, "closing time 08:00 must be after opening time 17:00"),
    ({"opens": "8.30"}, "“8.30” is not a time of day"),
    ({"closes": "25:00"}, "not a time of day"),
    ({"lunch_start": "12:00", "lunch_end": ""}, "both the start and the end of the lunch break"),
    ({"lunch_start": "07:00", "lunch_end": "08:30"}, "must lie within the opening hours"),
    ({"lunch_start": "13:00", "lunch_end": "12:00"}, "must lie within the opening hours"),
])
def test_bad_times_are_refused_naming_the_day(day: dict[str, str], message: str) -> None:
    fields = {"weekday": 2, "open": True, "opens": "08:00", "closes": "17:00", **day}
    with pytest.raises(ValidationError, match=message) as caught:
        DayHours(**fields)
    assert "Wednesday" in str(caught.value)


def test_a_closed_day_ignores_its_times_and_the_zone_and_week_are_checked() -> None:
    assert not DayHours(weekday=0, open=False, opens="nonsense").open
    with pytest.raises(ValidationError, match="is not a time zone"):
        WeekHours(time_zone="Mars/Olympus")
    with pytest.raises(ValidationError, match="each of the seven weekdays"):
        WeekHours(always_open=False, days=[DayHours(weekday=0, open=True)])


def test_hours_are_stored_per_weekday_and_decide_availability(database: Database, bus: RecordingBus) -> None:
    channel_id, changed = set_hours(database, office_week())
    assert changed
    channel, rows = hours_of(database, channel_id)
    assert len(rows) == 7
    assert within_opening_hours(channel, rows, MONDAY_10_LOCAL)
    assert not within_opening_hours(channel, rows, MONDAY_10_LOCAL.replace(hour=11, minute=30))  # 12:30 lunch
    assert not within_opening_hours(channel, rows, MONDAY_10_LOCAL.replace(hour=16, minute=0))  # 17:00 closed
    assert not within_opening_hours(channel, rows, datetime(2026, 11, 28, 9, 0, tzinfo=UTC))  # Saturday
    with database.read() as db:
        assert channel_is_available(db, channel, MONDAY_10_LOCAL)
        entry = db.scalars(select(AuditEntry)).one()
    assert entry.action == "opening_hours_updated"
    assert entry.details["changes"]["Monday"] == [None, "08:00–17:00 (lunch 12:00–13:00)"]
    assert [m["event"] for t, m in bus.published if t == "agents"] == ["channel_changed"]


def test_closed_every_day_stays_closed_and_always_open_stores_nothing(database: Database) -> None:
    closed = WeekHours(always_open=False, time_zone="Europe/Stockholm",
                       days=[DayHours(weekday=d, open=False) for d in range(7)])
    channel_id, _ = set_hours(database, closed)
    channel, rows = hours_of(database, channel_id)
    assert len(rows) == 7 and not within_opening_hours(channel, rows, MONDAY_10_LOCAL)
    assert next_opening_change(channel, rows, MONDAY_10_LOCAL) is None
    set_hours(database, WeekHours(always_open=True, time_zone="Europe/Stockholm"))
    channel, rows = hours_of(database, channel_id)
    assert rows == [] and within_opening_hours(channel, rows, MONDAY_10_LOCAL)


def test_the_form_shows_what_was_stored_and_saving_it_again_changes_nothing(database: Database) -> None:
    week = office_week(closes="24:00", lunch_start="", lunch_end="")
    channel_id, _ = set_hours(database, week)
    with database.read() as db:
        shown = week_hours(db, db.get_one(Channel, channel_id))
    assert [d.open for d in shown.days] == [d.open for d in week.days]
    assert [d for d in shown.days if d.open] == [d for d in week.days if d.open]
    assert shown.time_zone == week.time_zone and not shown.always_open
    assert set_hours(database, shown) == (channel_id, False)
    channel, rows = hours_of(database, channel_id)
    assert within_opening_hours(channel, rows, datetime(2026, 11, 23, 22, 59, tzinfo=UTC))  # 23:59 local


def test_next_change_is_the_next_opening_closing_or_lunch_boundary(database: Database) -> None:
    channel_id, _ = set_hours(database, office_week())
    channel, rows = hours_of(database, channel_id)
    assert next_opening_change(channel, rows, MONDAY_10_LOCAL) == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    assert next_opening_change(channel, rows, friday_evening) == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    with database.write() as db:
        admin = db.scalars(select(User).where(User.role == Role.ADMIN)).one()
        do_set_opening_hours(db, admin, db.get_one(Channel, channel_id),
                             office_week().model_copy(update={"time_zone": "America/New_York"}))
    channel, rows = hours_of(database, channel_id)
    assert channel.time_zone == "America/New_York"
    assert next_opening_change(channel, rows, MONDAY_10_LOCAL) == datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
