"""A chat's life through the domain actions, on a real SQLite database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from chat.access import Need, access_session_for_agent, access_session_for_visitor
from chat.actions.assignment import do_get_next, do_pick_up
from chat.actions.errors import ActionError
from chat.actions.messages import do_mark_read, do_send_agent_message, do_send_visitor_message, do_whisper
from chat.actions.sessions import PrechatForm, do_end_session, do_rate, do_reopen, do_start_session
from chat.db import Database
from chat.models import AuthorKind, Channel, ChatSession, Message, SessionStatus, User, utcnow
from chat.replay import session_events_after
from tests.factories import make_channel, make_user, make_visitor
from tests.unit.conftest import RecordingBus


def start(database: Database, question: str = "Hello?", **channel_fields: Any) -> tuple[int, int, int]:
    with database.write() as db:
        channel = make_channel(db, **channel_fields)
        agent = make_user(db, channels=(channel,))
        visitor = make_visitor(db)
        chat = do_start_session(db, visitor, channel, PrechatForm(name="Vera", question=question))
        return chat.id, agent.id, visitor.id


def test_start_queues_the_chat_with_position_and_first_question(database: Database, bus: RecordingBus) -> None:
    session_id, _agent_id, _visitor_id = start(database)
    with database.read() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        assert chat.status is SessionStatus.IN_QUEUE
        assert chat.initial_queue_position == 1
        events = session_events_after(db, session_id, 0, staff=False)
    assert [(e["seq"], e["event"]) for e in events] == [(1, "status"), (2, "message")]
    assert events[1]["data"]["body"] == "Hello?"
    topics = [topic for topic, _ in bus.published]
    assert topics == [f"session.{session_id}", f"session.{session_id}", "agents"]


def test_second_visitor_gets_position_two(database: Database) -> None:
    with database.write() as db:
        channel = make_channel(db)
        make_user(db, channels=(channel,))
        first = do_start_session(db, make_visitor(db), channel, PrechatForm())
        second = do_start_session(db, make_visitor(db), channel, PrechatForm())
        assert (first.initial_queue_position, second.initial_queue_position) == (1, 2)


def test_nobody_present_gives_the_offline_form(database: Database) -> None:
    with database.write() as db:
        channel = make_channel(db)
        make_user(db, channels=(channel,), present=False)
        chat = do_start_session(db, make_visitor(db), channel, PrechatForm())
        assert chat.status is SessionStatus.OFFLINE_FORM


def test_prechat_required_fields_and_email_syntax(database: Database) -> None:
    with database.write() as db:
        channel = make_channel(db)
        channel.prechat_required_fields = ["email"]
        make_user(db, channels=(channel,))
        with pytest.raises(ActionError, match="email"):
            do_start_session(db, make_visitor(db), channel, PrechatForm())
        with pytest.raises(ActionError) as error:
            do_start_session(db, make_visitor(db), channel, PrechatForm(email="not-an-address"))
        assert error.value.code == "invalid_input"


def test_events_are_published_only_after_commit(database: Database, bus: RecordingBus) -> None:
    session_id, _agent_id, visitor_id = start(database)
    bus.published.clear()
    with pytest.raises(RuntimeError), database.write() as db:
        chat = access_session_for_visitor(db, visitor_id, session_id, for_update=True)
        do_send_visitor_message(db, chat, "lost in rollback", "c-1")
        raise RuntimeError("boom")
    assert bus.published == []
    with database.read() as db:
        assert db.scalars(select(Message).where(Message.body == "lost in rollback")).first() is None


def test_pick_up_conversation_and_idempotent_sends(database: Database) -> None:
    session_id, agent_id, visitor_id = start(database)
    with database.write() as db:
        agent = db.get_one(User, agent_id)
        chat = access_session_for_agent(db, agent, session_id, Need.RESPOND, for_update=True)
        do_pick_up(db, agent, chat)
        first = do_send_agent_message(db, chat, agent, "Hi, how can I help?", "a-1")
        again = do_send_agent_message(db, chat, agent, "Hi, how can I help?", "a-1")
        assert first.id == again.id
        assert chat.status is SessionStatus.AGENT_LAST
        assert chat.first_response_at is not None
    with database.write() as db:
        chat = access_session_for_visitor(db, visitor_id, session_id, for_update=True)
        do_send_visitor_message(db, chat, "My order is late", "v-1")
        assert chat.status is SessionStatus.CUSTOMER_LAST
        assert do_mark_read(db, chat, reader=AuthorKind.VISITOR, up_to_seq=chat.last_seq) == 1
        assert do_mark_read(db, chat, reader=AuthorKind.VISITOR, up_to_seq=chat.last_seq) == 0
    with database.read() as db:
        seqs = [frame["seq"] for frame in session_events_after(db, session_id, 0, staff=True)]
        assert seqs == list(range(1, len(seqs) + 1))


def test_a_picked_chat_cannot_be_picked_again(database: Database) -> None:
    session_id, agent_id, _visitor_id = start(database)
    with database.write() as db:
        chat = db.get_one(ChatSession, session_id)
        other = make_user(db, channels=(db.get_one(Channel, chat.channel_id),))
        agent = db.get_one(User, agent_id)
        chat = access_session_for_agent(db, agent, session_id, Need.RESPOND, for_update=True)
        do_pick_up(db, agent, chat)
        with pytest.raises(ActionError) as error:
            do_pick_up(db, other, chat)
        assert error.value.code == "invalid_state"


def test_get_next_takes_the_oldest_and_then_reports_empty(database: Database) -> None:
    with database.write() as db:
        channel = make_channel(db)
        agent = make_user(db, channels=(channel,))
        older = do_start_session(db, make_visitor(db), channel, PrechatForm(), now=utcnow() - timedelta(minutes=5))
        do_start_session(db, make_visitor(db), channel, PrechatForm())
        assert do_get_next(db, agent).id == older.id
        do_get_next(db, agent)
        with pytest.raises(ActionError) as error:
            do_get_next(db, agent)
        assert error.value.code == "queue_empty"


def test_agent_without_respond_right_cannot_pick_up(database: Database) -> None:
    session_id, _agent_id, _visitor_id = start(database)
    with database.write() as db:
        outsider = make_user(db)
        with pytest.raises(ActionError) as error:
            access_session_for_agent(db, outsider, session_id, Need.RESPOND)
        assert error.value.code == "forbidden"
        with pytest.raises(ActionError):
            access_session_for_agent(db, outsider, session_id, Need.READ)


def test_end_reopen_and_rate(database: Database) -> None:
    session_id, agent_id, visitor_id = start(database)
    with database.write() as db:
        agent = db.get_one(User, agent_id)
        chat = access_session_for_agent(db, agent, session_id, Need.RESPOND, for_update=True)
        do_pick_up(db, agent, chat)
        do_end_session(db, chat, "agent")
        assert chat.status is SessionStatus.ENDED
        with pytest.raises(ActionError):
            do_end_session(db, chat, "visitor")
        do_rate(db, chat, 5, "Great")
    with database.write() as db:
        chat = access_session_for_visitor(db, visitor_id, session_id, for_update=True)
        do_send_visitor_message(db, chat, "One more thing", "v-9")
        assert chat.status is SessionStatus.CUSTOMER_LAST
        assert chat.agent_id == agent_id
        with pytest.raises(ActionError):
            do_reopen(db, chat)


def test_leaving_the_queue_is_a_missed_chat(database: Database) -> None:
    session_id, _agent_id, visitor_id = start(database)
    with database.write() as db:
        chat = access_session_for_visitor(db, visitor_id, session_id, for_update=True)
        do_end_session(db, chat, "visitor")
        assert chat.status is SessionStatus.CLOSED_FROM_QUEUE


def test_whisper_is_staff_only(database: Database) -> None:
    session_id, agent_id, _visitor_id = start(database)
    with database.write() as db:
        agent = db.get_one(User, agent_id)
        chat = access_session_for_agent(db, agent, session_id, Need.RESPOND, for_update=True)
        do_pick_up(db, agent, chat)
        supervisor = make_user(db, "boss")
        do_whisper(db, chat, supervisor, "Offer a discount", "w-1")
    with database.read() as db:
        staff_log = session_events_after(db, session_id, 0, staff=True)
        visitor_log = session_events_after(db, session_id, 0, staff=False)
    whisper = staff_log[-1]
    assert whisper["staff_only"] and whisper["data"]["author"] == "whisper"
    assert whisper["data"]["body"] == "Offer a discount"
    assert whisper["seq"] not in {frame["seq"] for frame in visitor_log}
