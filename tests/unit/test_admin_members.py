"""Channel members and their four rights: every change audited and announced to the member."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from chat.access import channel_ids_with, membership
from chat.actions.admin_members import Rights, do_remove_membership, do_set_membership, members
from chat.actions.errors import ActionError
from chat.db import Database
from chat.models import AuditEntry, Channel, Role, User
from chat.replay import agent_snapshot
from tests.factories import make_channel, make_user
from tests.unit.conftest import RecordingBus


def setup(database: Database) -> tuple[int, int, int]:
    with database.write() as db:
        return (make_user(db, "boss", role=Role.ADMIN).id, make_channel(db, "Sales").id,
                make_user(db, "oskar").id)


def test_adding_a_member_gives_the_queue_and_tells_only_that_user(database: Database, bus: RecordingBus) -> None:
    admin_id, channel_id, user_id = setup(database)
    with database.write() as db:
        user = db.get_one(User, user_id)
        assert agent_snapshot(db, user)["channels"] == []
        added = do_set_membership(db, db.get_one(User, admin_id), db.get_one(Channel, channel_id), user, Rights())
    assert added
    with database.read() as db:
        snapshot = agent_snapshot(db, db.get_one(User, user_id))
        assert [(c["name"], c["can_respond"], c["can_listen"]) for c in snapshot["channels"]] == [
            ("Sales", True, False)]
        assert channel_ids_with(db, user_id, can_respond=True) == [channel_id]
        entry = db.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.channel_id, entry.details["user"]) == ("membership_added", channel_id, "Oskar")
    [event] = [m for t, m in bus.published if t == "agents"]
    assert (event["event"], event["user_id"], event["channel_id"]) == ("membership_changed", user_id, None)
    assert event["data"]["rights"] == {"can_respond": True, "notifications": True, "can_listen": False,
                                       "is_manager": False}


def test_changing_rights_records_what_changed_and_nothing_when_nothing_did(database: Database) -> None:
    admin_id, channel_id, user_id = setup(database)
    manager = Rights(can_respond=True, notifications=False, can_listen=True, is_manager=True)
    with database.write() as db:
        admin, channel, user = db.get_one(User, admin_id), db.get_one(Channel, channel_id), db.get_one(User, user_id)
        do_set_membership(db, admin, channel, user, Rights())
        assert do_set_membership(db, admin, channel, user, manager)
        assert not do_set_membership(db, admin, channel, user, manager)
    with database.read() as db:
        found = membership(db, user_id, channel_id)
        assert found is not None and Rights.of(found) == manager
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "membership_updated")).one()
        assert entry.details["changes"] == {"notifications": [True, False], "can_listen": [False, True],
                                            "is_manager": [False, True]}
        assert [m.rights for m in members(db, channel_id)] == [manager]


def test_removing_keeps_the_users_chats_and_stops_the_queue(database: Database, bus: RecordingBus) -> None:
    admin_id, channel_id, user_id = setup(database)
    with database.write() as db:
        admin, channel, user = db.get_one(User, admin_id), db.get_one(Channel, channel_id), db.get_one(User, user_id)
        do_set_membership(db, admin, channel, user, Rights())
        do_remove_membership(db, admin, channel, user)
    with database.read() as db:
        assert membership(db, user_id, channel_id) is None
        assert [e.action for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
            "membership_added", "membership_removed"]
    removed = [m for t, m in bus.published if t == "agents"][-1]
    assert removed["data"]["rights"] is None and removed["user_id"] == user_id
    with pytest.raises(ActionError, match="membership"), database.write() as db:
        do_remove_membership(db, db.get_one(User, admin_id), db.get_one(Channel, channel_id),
                             db.get_one(User, user_id))


def test_a_member_needs_a_right_and_an_active_account(database: Database) -> None:
    admin_id, channel_id, user_id = setup(database)
    nothing = Rights(can_respond=False, notifications=False, can_listen=False, is_manager=False)
    with pytest.raises(ActionError, match="at least one right"), database.write() as db:
        do_set_membership(db, db.get_one(User, admin_id), db.get_one(Channel, channel_id),
                          db.get_one(User, user_id), nothing)
    with pytest.raises(ActionError, match="is disabled"), database.write() as db:
        user = db.get_one(User, user_id)
        user.is_active = False
        do_set_membership(db, db.get_one(User, admin_id), db.get_one(Channel, channel_id), user, Rights())
