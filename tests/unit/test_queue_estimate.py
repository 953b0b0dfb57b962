"""Queue position and the estimated wait, and the `queue` events when the queue moves."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from chat.actions.assignment import do_get_next, do_pick_up
from chat.actions.queue_estimate import DEFAULT_HANDLE_SECONDS, queue_info, seconds_per_place
from chat.actions.requests import do_leave_request
from chat.actions.sessions import PrechatForm, do_end_session, do_start_session
from chat.crm import LocalCrm
from chat.db import Database
from chat.models import Channel, ChatSession, SessionEvent, SessionStatus, User, utcnow
from tests.factories import make_channel, make_user, make_visitor


def queue_of(database: Database, size: int, **channel_fields: object) -> tuple[int, int, list[int]]:
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
        infos = [queue_info(db, db.get(ChatSession, chat_id)) for chat_id in chats]
    assert [(i.position, i.queue_length) for i in infos if i] == [(1, 3), (2, 3), (3, 3)]


def test_without_history_the_estimate_is_handle_time_per_present_responder(database: Database) -> None:
    channel_id, _agent_id, chats = queue_of(database, 2)
    with database.write() as db:
        channel = db.get(Channel, channel_id)
        assert channel is not None
        make_user(db, channels=(channel,))  # a second Present responder halves the time per place
    with database.read() as db:
        info = queue_info(db, db.get(ChatSession, chats[1]))
    assert info is not None
    assert info.estimated_wait_seconds == 2 * DEFAULT_HANDLE_SECONDS / 2


def test_recent_pace_of_the_queue_wins_over_handle_time(database: Database) -> None:
    channel_id, agent_id, chats = queue_of(database, 5)
    with database.write() as db:
        agent = db.get(User, agent_id)
        assert agent is not None
        for _ in range(3):  # answered after about ten minutes, arrived 1st, 2nd and 3rd in line
            do_get_next(db, agent)
        per_place = seconds_per_place(db, channel_id, utcnow())
    assert per_place is not None
    assert 290 <= per_place <= 310  # the median of 600/1, 600/2 and 600/3 seconds per place
    with database.read() as db:
        info = queue_info(db, db.get(ChatSession, chats[4]))
    assert info is not None and info.position == 2
    assert info.estimated_wait_seconds is not None and 580 <= info.estimated_wait_seconds <= 620


def test_nobody_present_means_no_estimate(database: Database) -> None:
    channel_id, agent_id, chats = queue_of(database, 1)
    with database.write() as db:
        agent = db.get(User, agent_id)
        assert agent is not None
        agent.presence = agent.presence.AWAY
    with database.read() as db:
        info = queue_info(db, db.get(ChatSession, chats[0]))
        assert seconds_per_place(db, channel_id, utcnow()) is None
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
            waiting = db.get(ChatSession, chat_id)
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
