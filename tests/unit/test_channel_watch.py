"""What open widgets learn about their channel: computed once, shared, and refreshed by the events that
can change it — published for real by the actions on a real database and the in-process bus."""

from __future__ import annotations

from datetime import UTC, datetime

from chat.actions.admin_channels import ChannelOrigins, do_delete_channel, do_update_channel
from chat.actions.admin_hours import DayHours, WeekHours, do_set_opening_hours
from chat.actions.presence import do_set_presence
from chat.channel_watch import ChannelWatch
from chat.db import Database
from chat.models import Channel, Presence, Role, User
from tests.factories import make_channel, make_user
from tests.unit.conftest import RecordingBus

MONDAY_NOON_UTC = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def arrange(database: Database) -> tuple[int, int, int]:
    with database.write() as db:
        channel = make_channel(db)
        other = make_channel(db, "Sales")
        agent = make_user(db, "anna", channels=(channel,))
        return channel.id, other.id, agent.id


def test_status_is_shared_until_an_availability_event_wakes_the_followers(database: Database,
                                                                         bus: RecordingBus) -> None:
    channel_id, other_id, agent_id = arrange(database)
    watch = ChannelWatch(database, bus)
    wake, other_wake = watch.follow(channel_id), watch.follow(other_id)
    first = watch.status(channel_id)
    assert first is not None and first.available and not first.deleted
    assert watch.status(channel_id) is first  # cached, no second read
    with database.write() as db:
        do_set_presence(db, db.get_one(User, agent_id), Presence.AWAY)
    assert wake.is_set() and other_wake.is_set()  # presence may change any channel
    after = watch.status(channel_id)
    assert after is not None and not after.available
    assert after.frame() == {"type": "channel", "channel_id": channel_id, "available": False, "deleted": False,
                             "version": first.version}
    watch.close()


def test_a_channel_change_wakes_only_that_channels_followers(database: Database, bus: RecordingBus) -> None:
    channel_id, other_id, _agent_id = arrange(database)
    watch = ChannelWatch(database, bus)
    wake, other_wake = watch.follow(channel_id), watch.follow(other_id)
    before = watch.status(channel_id)
    with database.write() as db:
        admin = make_user(db, "boss", role=Role.ADMIN)
        channel = db.get_one(Channel, channel_id)
        do_update_channel(db, admin, channel, ChannelOrigins(allowed_origins=["https://shop.example.com"]))
    assert wake.is_set() and not other_wake.is_set()
    changed = watch.status(channel_id)
    assert before is not None and changed is not None and changed.version != before.version
    with database.write() as db:
        do_delete_channel(db, db.get_one(User, admin.id), db.get_one(Channel, channel_id))
    gone = watch.status(channel_id)
    assert gone is not None and gone.deleted and not gone.available
    assert watch.status(999) is None
    watch.unfollow(channel_id, wake)
    watch.close()


def test_opening_hours_say_when_to_look_again(database: Database, bus: RecordingBus) -> None:
    channel_id, _other_id, _agent_id = arrange(database)
    lunch_every_day = WeekHours(always_open=False, time_zone="Europe/Stockholm", days=[
        DayHours(weekday=d, open=True, opens="08:00", closes="17:00", lunch_start="12:00", lunch_end="14:00")
        for d in range(7)])
    with database.write() as db:
        do_set_opening_hours(db, make_user(db, "boss", role=Role.ADMIN), db.get_one(Channel, channel_id),
                             lunch_every_day)
    watch = ChannelWatch(database, bus)
    watch.follow(channel_id)
    at_lunch = watch.status(channel_id, MONDAY_NOON_UTC)  # 13:00 in Stockholm
    assert at_lunch is not None and not at_lunch.available
    assert at_lunch.until == datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    assert at_lunch.fresh(MONDAY_NOON_UTC) and not at_lunch.fresh(at_lunch.until)
    after_lunch = watch.status(channel_id, at_lunch.until)
    assert after_lunch is not None and after_lunch.available
    assert after_lunch.until == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    watch.close()


def test_a_bus_resync_drops_every_cached_status(database: Database, bus: RecordingBus) -> None:
    channel_id, _other_id, agent_id = arrange(database)
    watch = ChannelWatch(database, bus)
    wake = watch.follow(channel_id)
    assert watch.status(channel_id) is not None
    with database.write() as db:  # a change whose event was lost (written on another bus)
        db.get_one(User, agent_id).presence = Presence.AWAY
    bus.publish("agents", {"type": "resync"})
    assert wake.is_set()
    status = watch.status(channel_id)
    assert status is not None and not status.available
    watch.close()
