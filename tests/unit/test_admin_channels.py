"""Creating, editing and deleting channels through the admin actions, on a real SQLite database."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from chat.actions.admin_channels import (
    ChannelForms,
    ChannelOrigins,
    ChannelProperties,
    WidgetLayout,
    check_origin,
    do_create_channel,
    do_delete_channel,
    do_restore_channel,
    do_update_channel,
    section_values,
)
from chat.actions.assignment import do_get_next
from chat.actions.errors import ActionError
from chat.actions.sessions import PrechatForm, do_start_session
from chat.actions.transcripts import TranscriptRequest, check_transcript_request
from chat.db import Database
from chat.models import AuditEntry, Channel, ChatSession, Folder, Role, SessionStatus, User
from tests.factories import make_channel, make_user, make_visitor
from tests.unit.conftest import RecordingBus


def agent_events(bus: RecordingBus, kind: str) -> list[dict[str, Any]]:
    return [m for topic, m in bus.published if topic == "agents" and m["event"] == kind]


def admin_and_channel(database: Database) -> tuple[int, int]:
    with database.write() as db:
        admin = make_user(db, "boss", role=Role.ADMIN)
        channel = make_channel(db, "Support")
        return admin.id, channel.id


def test_create_writes_the_channel_an_audit_entry_and_a_global_event(database: Database, bus: RecordingBus) -> None:
    with database.write() as db:
        admin = make_user(db, "boss", role=Role.ADMIN)
        channel = do_create_channel(db, admin, ChannelProperties(name="  Billing ", language="sv"))
        channel_id = channel.id
    with database.read() as db:
        stored = db.get_one(Channel, channel_id)
        assert (stored.name, stored.language, stored.is_deleted) == ("Billing", "sv", False)
        assert stored.offer_transcript
        assert stored.widget["color"] == "#0b5fff"
        entry = db.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.channel_id, entry.details["changes"]["name"]) == ("channel_created", channel_id,
                                                                                 [None, "Billing"])
    [event] = agent_events(bus, "channel_changed")
    assert (event["channel_id"], event["user_id"], event["data"]["channel_id"]) == (None, None, channel_id)


def test_names_are_unique_among_channels_that_are_not_deleted(database: Database) -> None:
    admin_id, channel_id = admin_and_channel(database)
    with pytest.raises(ActionError, match="already called"), database.write() as db:
        do_create_channel(db, db.get_one(User, admin_id), ChannelProperties(name="support"))
    with database.write() as db:
        admin = db.get_one(User, admin_id)
        do_delete_channel(db, admin, db.get_one(Channel, channel_id))
        assert do_create_channel(db, admin, ChannelProperties(name="Support")).id != channel_id
    with pytest.raises(ActionError, match="already called"), database.write() as db:
        do_restore_channel(db, db.get_one(User, admin_id), db.get_one(Channel, channel_id))


def test_update_audits_old_and_new_values_and_tells_the_channel(database: Database, bus: RecordingBus) -> None:
    admin_id, channel_id = admin_and_channel(database)
    with database.write() as db:
        channel = db.get_one(Channel, channel_id)
        admin = db.get_one(User, admin_id)
        layout = WidgetLayout(**{**section_values(channel, WidgetLayout), "welcome_message": "Hej och välkommen!",
                                 "color": "#ABC", "theme": "classic"})
        changed = do_update_channel(db, admin, channel, layout)
    assert changed == {"theme": ["modern", "classic"], "color": ["#0b5fff", "#abc"],
                       "welcome_message": ["", "Hej och välkommen!"]}
    with database.read() as db:
        channel = db.get_one(Channel, channel_id)
        assert channel.welcome_message == "Hej och välkommen!"
        assert channel.widget["theme"] == "classic" and "welcome_message" not in channel.widget
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "channel_updated")).one()
        assert entry.details == {"section": "WidgetLayout", "changes": changed}
    [event] = agent_events(bus, "channel_changed")
    assert (event["channel_id"], event["data"]["name"]) == (channel_id, "Support")


def test_saving_unchanged_values_writes_nothing(database: Database, bus: RecordingBus) -> None:
    admin_id, channel_id = admin_and_channel(database)
    with database.write() as db:
        channel = db.get_one(Channel, channel_id)
        same = ChannelForms(**section_values(channel, ChannelForms))
        assert do_update_channel(db, db.get_one(User, admin_id), channel, same) == {}
    with database.read() as db:
        assert db.scalars(select(AuditEntry)).all() == []
    assert agent_events(bus, "channel_changed") == []


@pytest.mark.parametrize(("form", "fields", "message"), [
    (WidgetLayout, {"color": "blue"}, "is not a colour"),
    (WidgetLayout, {"header_color": "#12345"}, "is not a colour"),
    (WidgetLayout, {"queue_message": "You are {cque} in line"}, "unknown placeholder {cque}"),
    (WidgetLayout, {"logo_url": "javascript:alert(1)"}, "https://"),
    (WidgetLayout, {"font": "x; background: url(evil)"}, "font names"),
    (WidgetLayout, {"font_size": 40}, "less than or equal to 20"),
    (ChannelProperties, {"name": "", "agent_warning_minutes": 2}, "at least 1 character"),
    (ChannelProperties, {"name": "S", "agent_warning_minutes": 10, "manager_warning_minutes": 5},
     "manager warning must come"),
    (ChannelForms, {"prechat_required_fields": ["email", "shoe size"]}, "Input should be"),
    (ChannelForms, {"offline_request_priority": "whenever"}, "Input should be"),
    (ChannelForms, {"request_from_queue_after_minutes": 0}, "greater than or equal to 1"),
    (ChannelOrigins, {"allowed_origins": ["https://shop.example.com/checkout"]}, "without a path"),
    (ChannelOrigins, {"allowed_origins": ["shop.example.com"]}, "not a website origin"),
    (ChannelOrigins, {"allowed_origins": ["ftp://files.example.com"]}, "not a website origin"),
])
def test_bad_input_is_refused_with_a_readable_message(form: type[Any], fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        form(**fields)


def test_origins_are_normalised_and_deduplicated() -> None:
    form = ChannelOrigins(allowed_origins=["HTTPS://Shop.Example.com:443/", "https://shop.example.com", "",
                                           "http://localhost:8051", "https://*.Example.se"])
    assert form.allowed_origins == ["https://shop.example.com", "http://localhost:8051", "https://*.example.se"]
    assert check_origin("http://[::1]:8080") == "http://[::1]:8080"


def test_required_fields_keep_a_fixed_order_and_the_faq_folder_must_hold_faq(database: Database) -> None:
    admin_id, channel_id = admin_and_channel(database)
    assert ChannelForms(prechat_required_fields=["phone", "email"]).prechat_required_fields == ["email", "phone"]
    with database.write() as db:
        folder = Folder(name="Templates", kind="template")
        db.add(folder)
        db.flush()
        folder_id = folder.id
    with pytest.raises(ActionError, match="FAQ folder"), database.write() as db:
        do_update_channel(db, db.get_one(User, admin_id), db.get_one(Channel, channel_id),
                          ChannelForms(faq_folder_id=folder_id))


def test_delete_keeps_open_chats_and_refuses_new_ones(database: Database, bus: RecordingBus) -> None:
    admin_id, channel_id = admin_and_channel(database)
    with database.write() as db:
        channel = db.get_one(Channel, channel_id)
        make_user(db, channels=(channel,))
        waiting = do_start_session(db, make_visitor(db), channel, PrechatForm(question="Still there?"))
        do_delete_channel(db, db.get_one(User, admin_id), channel)
        waiting_id = waiting.id
    with database.read() as db:
        assert db.get_one(Channel, channel_id).is_deleted
        assert db.get_one(ChatSession, waiting_id).status is SessionStatus.IN_QUEUE
    with pytest.raises(ActionError, match="does not exist"), database.write() as db:
        do_start_session(db, make_visitor(db), db.get_one(Channel, channel_id), PrechatForm())
    with pytest.raises(ActionError, match="restore it"), database.write() as db:
        channel = db.get_one(Channel, channel_id)
        do_update_channel(db, db.get_one(User, admin_id), channel, ChannelOrigins())
    with database.write() as db:
        do_restore_channel(db, db.get_one(User, admin_id), db.get_one(Channel, channel_id))
    with database.read() as db:
        actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["channel_deleted", "channel_restored"]
    deleted, restored = agent_events(bus, "channel_changed")
    assert deleted["channel_id"] == channel_id and deleted["data"]["deleted"] is True
    assert restored["channel_id"] is None and restored["data"]["deleted"] is False


def test_a_channel_that_offers_no_transcript_refuses_to_mail_one(database: Database) -> None:
    admin_id, channel_id = admin_and_channel(database)
    with database.write() as db:
        channel = db.get_one(Channel, channel_id)
        agent = make_user(db, channels=(channel,))
        chat = do_start_session(db, make_visitor(db), channel, PrechatForm(question="Hi"))
        do_get_next(db, agent)
        assert check_transcript_request(db, chat, TranscriptRequest(email="vera@example.com"))[0] == "vera@example.com"
        no_mail = ChannelForms(**{**section_values(channel, ChannelForms), "offer_transcript": False})
        do_update_channel(db, db.get_one(User, admin_id), channel, no_mail)
        with pytest.raises(ActionError, match="does not send transcripts"):
            check_transcript_request(db, chat, TranscriptRequest(email="vera@example.com"))
