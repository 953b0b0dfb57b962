"""A visitor's message through `send_visitor_message`: the same rows and events as the ORM action stores,
on SQLite and on PostgreSQL (the fast path's statements are compiled for each)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from chat.actions.assignment import do_pick_up
from chat.actions.errors import ActionError
from chat.actions.messages import do_send_agent_message, do_send_visitor_message
from chat.actions.sessions import PrechatForm, do_end_session, do_start_session
from chat.actions.visitor_send import _send_same_turn, send_visitor_message
from chat.bus import session_topic
from chat.db import Database
from chat.models import AgentEvent, ChatSession, Message, SessionStatus, User
from chat.replay import session_events_after
from tests.deployment import create_database, drop_database
from tests.factories import make_channel, make_user, make_visitor
from tests.unit.conftest import RecordingBus


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    name = create_database()
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path, bus: RecordingBus) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'unit.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = Database(url, bus)
    database.migrate()
    yield database
    database.dispose()


def _two_chats(database: Database) -> tuple[int, int, int, int]:
    """Two identical chats of one visitor, each first in its own channel's queue, and their agent."""
    with database.write() as db:
        channels = (make_channel(db, "One"), make_channel(db, "Two"))
        agent = make_user(db, channels=channels)
        visitor = make_visitor(db)
        chats = [do_start_session(db, visitor, c, PrechatForm(name="Vera", question="Hi")) for c in channels]
        return chats[0].id, chats[1].id, agent.id, visitor.id


def _log(database: Database, session_id: int) -> list[tuple[Any, ...]]:
    """The chat's stored messages and events, without ids and times (which differ between two chats)."""
    with database.read() as db:
        messages = db.scalars(select(Message).where(Message.session_id == session_id).order_by(Message.seq)).all()
        frames = session_events_after(db, session_id, 0, staff=True)
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        ids = {m.id: m.seq for m in messages}
        rows: list[tuple[Any, ...]] = [(m.seq, m.author_kind, m.kind, m.body, m.client_msg_id, m.staff_only)
                                       for m in messages]
        for frame in frames:
            data = dict(frame["data"])
            if "message_id" in data:
                data["message_id"] = ("seq", ids[data.pop("message_id")])
            rows.append((frame["seq"], frame["event"], frame["staff_only"], sorted(data.items(), key=str)))
        rows.append((chat.status, chat.last_seq))
        return rows


def _orm_send(database: Database, session_id: int, text: str, client_msg_id: str) -> None:
    with database.write() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        do_send_visitor_message(db, chat, text, client_msg_id)


def _fast_send(database: Database, visitor_id: int, session_id: int, text: str, client_msg_id: str) -> int:
    return send_visitor_message(database, visitor_id, session_id, text, client_msg_id).seq


def _pick_up(database: Database, session_id: int, agent_id: int) -> None:
    with database.write() as db:
        chat, agent = db.get(ChatSession, session_id), db.get(User, agent_id)
        assert chat is not None and agent is not None
        do_pick_up(db, agent, chat)


def _agent_reply(database: Database, session_id: int, agent_id: int, client_msg_id: str) -> None:
    with database.write() as db:
        chat, agent = db.get(ChatSession, session_id), db.get(User, agent_id)
        assert chat is not None and agent is not None
        do_send_agent_message(db, chat, agent, "Hello!", client_msg_id)


def test_same_rows_as_the_orm_action_in_queue_in_progress_and_after_the_agents_turn(database: Database) -> None:
    orm_chat, fast_chat, agent_id, visitor_id = _two_chats(database)
    _orm_send(database, orm_chat, "  queued  ", "q1")
    _fast_send(database, visitor_id, fast_chat, "  queued  ", "q1")
    for session_id in (orm_chat, fast_chat):
        _pick_up(database, session_id, agent_id)
    for step, text in enumerate(["first", "second"]):
        _orm_send(database, orm_chat, text, f"v{step}")
        _fast_send(database, visitor_id, fast_chat, text, f"v{step}")
    for session_id in (orm_chat, fast_chat):
        _agent_reply(database, session_id, agent_id, "a1")
    _orm_send(database, orm_chat, "after the reply", "v9")
    _fast_send(database, visitor_id, fast_chat, "after the reply", "v9")

    assert _log(database, fast_chat) == _log(database, orm_chat)
    with database.read() as db:
        chat = db.get(ChatSession, fast_chat)
        assert chat is not None and chat.status is SessionStatus.CUSTOMER_LAST
        turns = db.scalars(select(AgentEvent).where(AgentEvent.kind == "session_activity")).all()
    fast = [(e.payload["status"], e.payload["last_seq"]) for e in turns if e.payload["session_id"] == fast_chat]
    orm = [(e.payload["status"], e.payload["last_seq"]) for e in turns if e.payload["session_id"] == orm_chat]
    assert fast == orm
    assert fast[-1][0] == "customer_last"


def test_published_frame_is_the_stored_event(database: Database, bus: RecordingBus) -> None:
    _orm_chat, session_id, _agent_id, visitor_id = _two_chats(database)
    with database.read() as db:
        updated_before = db.get_one(ChatSession, session_id).updated_at
    bus.published.clear()
    seq = _fast_send(database, visitor_id, session_id, "Where is my parcel?", "p1")
    frames = [m for topic, m in bus.published if topic == session_topic(session_id)]
    assert len(frames) == 1
    with database.read() as db:
        assert frames == session_events_after(db, session_id, seq - 1, staff=False)
        message = db.scalars(select(Message).where(Message.session_id == session_id, Message.seq == seq)).one()
        assert frames[0]["data"]["message_id"] == message.id
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        assert chat.last_activity_at == message.created_at
        assert chat.updated_at == updated_before  # the warehouse's watermark moves when the chat ends


def test_a_retried_send_returns_the_stored_message_once(database: Database) -> None:
    _orm_chat, session_id, _agent_id, visitor_id = _two_chats(database)
    first = _fast_send(database, visitor_id, session_id, "once", "r1")
    again = _fast_send(database, visitor_id, session_id, "once", "r1")
    assert again == first
    with database.read() as db:
        bodies = db.scalars(select(Message.body).where(Message.session_id == session_id,
                                                       Message.client_msg_id == "r1")).all()
        chat = db.get(ChatSession, session_id)
        assert chat is not None
    assert bodies == ["once"]
    assert chat.last_seq == first


@pytest.mark.parametrize("text", ["", "   ", "x" * 1025])
def test_bad_text_is_refused_and_changes_nothing(database: Database, text: str) -> None:
    _orm_chat, session_id, _agent_id, visitor_id = _two_chats(database)
    before = _log(database, session_id)
    with pytest.raises(ActionError) as refused:
        _fast_send(database, visitor_id, session_id, text, "bad")
    assert refused.value.code == "invalid_input"
    assert _log(database, session_id) == before


def test_another_visitors_chat_is_not_found_and_unchanged(database: Database) -> None:
    _orm_chat, session_id, _agent_id, visitor_id = _two_chats(database)
    with database.write() as db:
        stranger = make_visitor(db).id
    before = _log(database, session_id)
    with pytest.raises(ActionError) as refused:
        _fast_send(database, stranger, session_id, "let me in", "s1")
    assert refused.value.code == "not_found"
    assert _log(database, session_id) == before
    assert stranger != visitor_id


def test_an_ended_chat_is_reopened_by_the_visitors_message(database: Database) -> None:
    _orm_chat, session_id, agent_id, visitor_id = _two_chats(database)
    _pick_up(database, session_id, agent_id)
    with database.write() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        do_end_session(db, chat, "agent")
    _fast_send(database, visitor_id, session_id, "one more thing", "e1")
    with database.read() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        last = db.scalars(select(Message).where(Message.session_id == session_id)
                          .order_by(Message.seq.desc())).first()
    assert chat.status is not SessionStatus.ENDED
    assert last is not None and last.body == "one more thing"


def test_a_failed_driver_transaction_keeps_and_publishes_nothing(database: Database, bus: RecordingBus) -> None:
    _orm_chat, session_id, _agent_id, visitor_id = _two_chats(database)
    before = _log(database, session_id)
    bus.published.clear()
    with pytest.raises(RuntimeError), database.driver_write() as transaction:
        assert _send_same_turn(transaction, visitor_id, session_id, "never kept", "f1") is not None
        assert transaction.outbox
        raise RuntimeError("after the statements, before the commit")
    assert _log(database, session_id) == before
    assert bus.published == []
    assert send_visitor_message(database, visitor_id, session_id, "kept", "f2").seq == before[-1][1] + 1
