"""Staff accounts: create, edit, disable, reset and change passwords — with werkzeug's real hashing."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from chat.actions.account import PasswordChange, do_change_own_password
from chat.actions.admin_people import NewUser, Profile, do_create_user, do_reset_password, do_set_active, do_update_user
from chat.actions.assignment import do_get_next
from chat.actions.errors import ActionError
from chat.actions.sessions import PrechatForm, do_start_session
from chat.db import Database
from chat.models import AuditEntry, Presence, Role, User
from tests.factories import PASSWORD, make_channel, make_user, make_visitor
from tests.unit.conftest import RecordingBus


def admin_id(database: Database) -> int:
    with database.write() as db:
        return make_user(db, "boss", role=Role.ADMIN).id


def new_user(**fields: object) -> NewUser:
    values: dict[str, object] = {"username": "lena", "display_name": "Lena Holm", "password": "long enough 1",
                                 "email": "Lena@Example.com", **fields}
    return NewUser.model_validate(values)


def test_create_stores_a_werkzeug_hash_and_audits_without_the_password(database: Database) -> None:
    boss = admin_id(database)
    with database.write() as db:
        user = do_create_user(db, db.get_one(User, boss), new_user(nickname="Lena", role="supervisor"),
                              generate_password_hash)
        user_id = user.id
    with database.read() as db:
        user = db.get_one(User, user_id)
        assert check_password_hash(user.password_hash, "long enough 1")
        assert (user.role, user.email, user.name_for_visitors, user.is_active) == (
            Role.SUPERVISOR, "Lena@example.com", "Lena", True)
        entry = db.scalars(select(AuditEntry)).one()
    assert entry.action == "user_created" and "password" not in entry.details["changes"]
    with pytest.raises(ActionError, match="is taken"), database.write() as db:
        do_create_user(db, db.get_one(User, boss), new_user(username="lena"), generate_password_hash)


@pytest.mark.parametrize(("fields", "message"), [
    ({"username": "Lena Holm"}, "should match pattern"),
    ({"password": "short"}, "at least 8 characters"),
    ({"email": "lena@"}, "not a valid e-mail address"),
    ({"photo_url": "file:///etc/passwd"}, "https://"),
    ({"role": "owner"}, "Input should be"),
])
def test_bad_account_input_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        new_user(**fields)


def test_update_changes_role_and_names_but_never_leaves_no_admin(database: Database) -> None:
    boss = admin_id(database)
    with database.write() as db:
        admin = db.get_one(User, boss)
        agent = make_user(db, "erik")
        profile = Profile(display_name="Erik Johansson", nickname="Erik", photo_url="https://example.com/e.png",
                          role=Role.MANAGER, language="sv")
        assert do_update_user(db, admin, agent, profile)
        assert not do_update_user(db, admin, agent, profile)
        assert (agent.role, agent.photo_url, agent.language) == (Role.MANAGER, "https://example.com/e.png", "sv")
    with pytest.raises(ActionError, match="last active admin"), database.write() as db:
        admin = db.get_one(User, boss)
        do_update_user(db, admin, admin, Profile(display_name="Boss", role=Role.AGENT))


def test_disable_sets_away_refuses_self_and_agents_with_ongoing_chats(database: Database, bus: RecordingBus) -> None:
    boss = admin_id(database)
    with pytest.raises(ActionError, match="your own account"), database.write() as db:
        admin = db.get_one(User, boss)
        do_set_active(db, admin, admin, False)
    with database.write() as db:
        channel = make_channel(db)
        busy, free = make_user(db, "busy", channels=(channel,)), make_user(db, "free")
        do_start_session(db, make_visitor(db), channel, PrechatForm())
        do_get_next(db, busy)
        busy_id, free_id = busy.id, free.id
    with pytest.raises(ActionError, match="1 ongoing chat"), database.write() as db:
        do_set_active(db, db.get_one(User, boss), db.get_one(User, busy_id), False)
    with database.write() as db:
        assert do_set_active(db, db.get_one(User, boss), db.get_one(User, free_id), False)
    with database.read() as db:
        free = db.get_one(User, free_id)
        assert (free.is_active, free.presence) == (False, Presence.AWAY)
    presence = [m for t, m in bus.published if t == "agents" and m["event"] == "presence"]
    assert presence[-1]["data"] == {"user_id": free_id, "display_name": "Free", "presence": "away"}


def test_reset_password_returns_a_new_one_that_works_once_given(database: Database) -> None:
    boss = admin_id(database)
    with database.write() as db:
        agent = make_user(db, "anna")
        password = do_reset_password(db, db.get_one(User, boss), agent, generate_password_hash)
        agent_id = agent.id
    assert len(password) >= 12
    with database.read() as db:
        stored = db.get_one(User, agent_id).password_hash
        assert check_password_hash(stored, password) and not check_password_hash(stored, PASSWORD)
        assert db.scalars(select(AuditEntry.action)).all() == ["password_reset"]


def test_changing_ones_own_password_needs_the_current_one(database: Database) -> None:
    with database.write() as db:
        agent_id = make_user(db, "anna").id
    wrong = PasswordChange(current="not it", new="brand new pass", repeat="brand new pass")
    with pytest.raises(ActionError, match="current password is wrong"), database.write() as db:
        do_change_own_password(db, db.get_one(User, agent_id), wrong, matches=check_password_hash,
                               hash_password=generate_password_hash)
    with pytest.raises(ValidationError, match="differ"):
        PasswordChange(current=PASSWORD, new="brand new pass", repeat="brand new pas")
    right = PasswordChange(current=PASSWORD, new="brand new pass", repeat="brand new pass")
    with database.write() as db:
        do_change_own_password(db, db.get_one(User, agent_id), right, matches=check_password_hash,
                               hash_password=generate_password_hash)
    with database.read() as db:
        assert check_password_hash(db.get_one(User, agent_id).password_hash, "brand new pass")
        assert db.scalars(select(AuditEntry.action)).all() == ["password_changed"]
