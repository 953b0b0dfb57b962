"""Migrations that move data: a chat's log reads the same before and after, in both directions."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import func, select

from chat.access import Need, access_session_for_agent
from chat.actions.assignment import do_pick_up
from chat.actions.messages import do_send_agent_message, do_send_visitor_message, do_whisper
from chat.actions.sessions import PrechatForm, do_start_session
from chat.db import Database, alembic_config
from chat.models import Message, SessionEvent, User
from chat.replay import session_events_after
from tests.factories import make_channel, make_user, make_visitor


def _chat_with_every_kind_of_message(database: Database) -> int:
    with database.write() as db:
        channel = make_channel(db)
        agent = make_user(db, "anna", channels=(channel,))
        agent.nickname = "Annie"
        supervisor = make_user(db, "boss")
        chat = do_start_session(db, make_visitor(db), channel, PrechatForm(name="Vera", question="Hello?"))
        session_id = chat.id
    with database.write() as db:
        agent = db.get_one(User, agent.id)
        chat = access_session_for_agent(db, agent, session_id, Need.RESPOND, for_update=True)
        do_pick_up(db, agent, chat)
        do_send_agent_message(db, chat, agent, "Hi, how can I help?", "a-1")
        do_whisper(db, chat, db.get_one(User, supervisor.id), "Offer a discount", "w-1")
        do_send_visitor_message(db, chat, "My parcel is late", "v-1")
    return session_id


def _logs(database: Database, session_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with database.read() as db:
        return (session_events_after(db, session_id, 0, staff=True),
                session_events_after(db, session_id, 0, staff=False))


def test_message_events_move_to_their_messages_and_back(database: Database) -> None:
    session_id = _chat_with_every_kind_of_message(database)
    staff_log, visitor_log = _logs(database, session_id)
    assert [frame["event"] for frame in staff_log].count("message") == 4
    assert [frame["data"]["body"] for frame in staff_log if frame["staff_only"]] == ["Offer a discount"]
    assert len(visitor_log) < len(staff_log)

    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
    with database.engine.connect() as connection:
        stored = connection.exec_driver_sql(
            "SELECT seq, staff_only, payload FROM session_events WHERE type = 'message' ORDER BY seq").all()
    assert [(seq, bool(staff_only)) for seq, staff_only, _ in stored] == [
        (frame["seq"], frame["staff_only"]) for frame in staff_log if frame["event"] == "message"]
    assert '"author_name": "Annie"' in stored[1][2]

    database.migrate()
    assert _logs(database, session_id) == (staff_log, visitor_log)
    with database.read() as db:
        assert db.scalar(select(func.count()).select_from(SessionEvent).where(SessionEvent.type == "message")) == 0
        assert db.scalar(select(func.count()).where(Message.staff_only)) == 1
