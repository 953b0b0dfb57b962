"""Queue position, the estimated wait from the M/M/N queue (Erlang C), and the `queue` events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from chat.actions.assignment import do_pick_up
from chat.actions.queue_estimate import DEFAULT_HANDLE_SECONDS, HANDLE_WINDOW, queue_info, queue_model
from chat.actions.requests import do_leave_request
from chat.actions.sessions import PrechatForm, do_end_session, do_start_session
from chat.crm import LocalCrm
from chat.db import Database
from chat.models import Channel, ChatSession, SessionEvent, SessionStatus, User, utcnow
from tests.factories import make_channel, make_user, make_visitor


def queue_of(database: Database, size: int, **channel_fields: Any) -> tuple[int, int, list[int]]:
    """A channel with one Present agent and `size` waiting chats (oldest first)."""
    with database.write() as db:
        channel = make_channel(db, **channel_fields)
        agent = make_user(db, channels=(channel,))
        start = utcnow() - timedelta(minutes=10)
        chats = [do_start_session(db, make_visitor(db), channel, PrechatForm(question=f"q{i}"),
                                  now=start + timedelta(seconds=i)) for i in range(size)]
        return channel.id, agent.id, [c.id for c in chats]


def queue_events(database: Database, session_id: int) -> list[dict[str, object]]:
    with database.read() as db:
        return [e.payload for e in db.scalars(select(SessionEvent).where(
            SessionEvent.session_id == session_id, SessionEvent.type == "queue").order_by(SessionEvent.seq))]


def test_positions_follow_the_order_of_arrival(database: Database) -> None:
    _channel_id, _agent_id, chats = queue_of(database, 3)
    with database.read() as db:
        infos = [queue_info(db, db.get_one(ChatSession, chat_id)) for chat_id in chats]
    assert [(i.position, i.queue_length) for i in infos if i] == [(1, 3), (2, 3), (3, 3)]


def test_without_history_the_estimate_is_handle_time_per_present_responder(database: Database) -> None:
    channel_id, _agent_id, chats = queue_of(database, 2)
    with database.write() as db:
        channel = db.get(Channel, channel_id)
        assert channel is not None
        make_user(db, channels=(channel,))  # a second Present responder halves the time per place
    with database.read() as db:
        info = queue_info(db, db.get_one(ChatSession, chats[1]))
    assert info is not None
    assert info.estimated_wait_seconds == 2 * DEFAULT_HANDLE_SECONDS / 2


def end_after(database: Database, agent_id: int, chat_id: int, handled: float, *, days_ago: float = 0) -> None:
    """The agent answers the chat and it ends `handled` seconds later (`days_ago` days back)."""
    with database.write() as db:
        agent, chat = db.get(User, agent_id), db.get_one(ChatSession, chat_id)
        assert agent is not None and chat is not None
        do_pick_up(db, agent, chat)
        assert chat.started_at is not None
        chat.started_at -= timedelta(days=days_ago)
        do_end_session(db, chat, "agent", now=chat.started_at + timedelta(seconds=handled))


def test_the_estimate_is_places_times_recent_handle_time_over_present_responders(database: Database) -> None:
    channel_id, agent_id, chats = queue_of(database, 6)
    for chat_id, handled in zip(chats[:3], (200, 300, 700), strict=True):  # AHT 400 s
        end_after(database, agent_id, chat_id, handled)
    end_after(database, agent_id, chats[3], 5_000, days_ago=HANDLE_WINDOW.days + 1)  # too old to count
    with database.write() as db:
        channel = db.get(Channel, channel_id)
        assert channel is not None
        make_user(db, channels=(channel,))  # two Present responders
    with database.read() as db:
        model = queue_model(db, channel_id, utcnow())
        info = queue_info(db, db.get_one(ChatSession, chats[5]))
    assert (model.agents, model.handle_seconds) == (2, (200 + 300 + 700) / 3)
    assert info is not None and info.position == 2
    assert info.estimated_wait_seconds == 2 * 400 / 2  # two completions at 2 agents / 400 s


def test_nobody_present_means_no_estimate(database: Database) -> None:
    channel_id, agent_id, chats = queue_of(database, 1)
    with database.write() as db:
        agent = db.get(User, agent_id)
        assert agent is not None
        agent.presence = agent.presence.AWAY
    with database.read() as db:
        info = queue_info(db, db.get_one(ChatSession, chats[0]))
        assert queue_model(db, channel_id, utcnow()).wait(1) is None
    assert info is not None and info.estimated_wait_seconds is None


def test_each_way_out_of_the_queue_tells_the_others_their_new_place(database: Database) -> None:
    _channel_id, agent_id, chats = queue_of(database, 4)
    with database.write() as db:
        agent = db.get(User, agent_id)
        first = db.get(ChatSession, chats[0])
        assert agent is not None and first is not None
        do_pick_up(db, agent, first)
    assert [e["position"] for e in queue_events(database, chats[3])] == [3]
    assert queue_events(database, chats[0]) == []  # the answered chat is no longer told
    with database.write() as db:
        second = db.get(ChatSession, chats[1])
        assert second is not None
        do_end_session(db, second, "visitor")
    with database.write() as db:
        third = db.get(ChatSession, chats[2])
        assert third is not None
        do_leave_request(db, LocalCrm(), third, "Call me instead")
    events = queue_events(database, chats[3])
    assert [(e["position"], e["queue_length"]) for e in events] == [(3, 3), (2, 2), (1, 1)]
    assert all(isinstance(e["estimated_wait_seconds"], int) for e in events)


def test_leave_request_after_minutes_or_when_the_queue_is_long(database: Database) -> None:
    _channel_id, _agent_id, chats = queue_of(database, 3, request_from_queue_after_minutes=15,
                                             request_from_queue_length=2)
    with database.read() as db:
        chat = db.get(ChatSession, chats[0])
        assert chat is not None
        info = queue_info(db, chat)
        assert info is not None
        assert info.leave_request_allowed  # three waiting: longer than 2
        assert info.leave_request_at == (chat.requested_at + timedelta(minutes=15)).isoformat()
    with database.write() as db:
        for chat_id in chats[1:]:
            waiting = db.get_one(ChatSession, chat_id)
            assert waiting is not None
            do_end_session(db, waiting, "visitor")
    with database.read() as db:
        chat = db.get(ChatSession, chats[0])
        assert chat is not None
        early = queue_info(db, chat, now=chat.requested_at + timedelta(minutes=14))
        late = queue_info(db, chat, now=chat.requested_at + timedelta(minutes=15))
    assert early is not None and early.leave_request_allowed is False
    assert late is not None and late.leave_request_allowed is True


def test_a_chat_not_waiting_has_no_queue_info(database: Database) -> None:
    _channel_id, agent_id, chats = queue_of(database, 1)
    with database.write() as db:
        agent = db.get(User, agent_id)
        chat = db.get(ChatSession, chats[0])
        assert agent is not None and chat is not None
        do_pick_up(db, agent, chat)
        assert chat.status is SessionStatus.CUSTOMER_LAST
        assert queue_info(db, chat) is None
