"""The demo seed: idempotent, logins work, channels always open, and a consistent 60-day chat history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from chat.bus import InProcessBus
from chat.db import Database
from chat.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from chat.models import (
    OPEN_STATUSES,
    AuthorKind,
    Channel,
    ChatSession,
    Membership,
    Message,
    OpeningHours,
    Role,
    SessionStatus,
    Transfer,
    TransferState,
    User,
)
from chat.replay import session_events_after

NOW = datetime(2024, 5, 15, 12, 0, tzinfo=UTC)  # a Wednesday, midday in Stockholm


def make_database(path: Path) -> Database:
    database = Database(f"sqlite:///{path}", InProcessBus())
    database.migrate()
    return database


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, bool]]:
    database = make_database(tmp_path_factory.mktemp("demo") / "t.db")
    first = seed_demo(database, now=NOW)
    yield database, first
    database.dispose()


def test_seeds_once_then_does_nothing(seeded: tuple[Database, bool]) -> None:
    database, first = seeded
    with database.read() as db:
        chats_before = db.scalar(select(func.count(ChatSession.id)))
    assert first is True
    assert seed_demo(database, now=NOW) is False
    with database.read() as db:
        assert db.scalar(select(func.count(ChatSession.id))) == chats_before
        assert db.scalar(select(func.count(User.id)).where(User.username == "admin")) == 1


def test_demo_logins_use_the_demo_password(seeded: tuple[Database, bool]) -> None:
    database, _ = seeded
    with database.read() as db:
        users = {user.username: user for user in db.scalars(select(User))}
    assert set(DEMO_LOGINS) <= set(users)
    for username in DEMO_LOGINS:
        assert check_password_hash(users[username].password_hash, DEMO_PASSWORD), username
        assert users[username].is_active
    assert users["agent1"].display_name == "Anna Lindqvist"
    assert users["supervisor"].role is Role.SUPERVISOR
    assert users["manager"].role is Role.MANAGER
    assert users["admin"].role is Role.ADMIN
    assert sum(user.role is Role.AGENT for user in users.values()) >= 6


def test_three_channels_are_always_open(seeded: tuple[Database, bool]) -> None:
    database, _ = seeded
    with database.read() as db:
        channels = list(db.scalars(select(Channel)))
        assert db.scalar(select(func.count(OpeningHours.id))) == 0
    assert sorted(channel.name for channel in channels) == ["Sales", "Support", "Teknisk support"]
    for channel in channels:
        assert channel.faq_folder_id is not None
        assert "{position}" in channel.queue_message and "{wait}" in channel.queue_message
        assert channel.prechat_enabled and channel.prechat_required_fields
        assert channel.allowed_origins == []
    assert {c.name: c.language for c in channels}["Teknisk support"] == "sv"


def test_memberships_give_the_expected_rights(seeded: tuple[Database, bool]) -> None:
    database, _ = seeded
    with database.read() as db:
        channel_ids = set(db.scalars(select(Channel.id)))
        rows = db.execute(select(User.username, Membership).join(Membership, Membership.user_id == User.id)).all()
    by_user: dict[str, list[Membership]] = {}
    for username, membership in rows:
        by_user.setdefault(username, []).append(membership)
    supervisor = by_user["supervisor"]
    assert {m.channel_id for m in supervisor} == channel_ids
    assert all(m.can_listen and not m.can_respond for m in supervisor)
    assert all(m.is_manager and m.can_listen and m.can_respond for m in by_user["manager"])
    for agent in ("agent1", "agent2"):
        assert {m.channel_id for m in by_user[agent] if m.can_respond and m.notifications} == channel_ids
    assert "admin" not in by_user


def test_history_covers_sixty_days_without_open_chats(seeded: tuple[Database, bool]) -> None:
    database, _ = seeded
    with database.read() as db:
        chats = list(db.scalars(select(ChatSession)))
    assert len({chat.requested_at.date() for chat in chats}) >= 60
    assert min(chat.requested_at for chat in chats) < NOW - timedelta(days=59)
    assert not [chat for chat in chats if chat.status in OPEN_STATUSES]
    statuses = {chat.status for chat in chats}
    assert statuses == {SessionStatus.ENDED, SessionStatus.CLOSED_FROM_QUEUE, SessionStatus.REQUEST_POSTED}
    for chat in chats:
        assert chat.first_question
        assert chat.ended_at is not None and chat.requested_at <= chat.ended_at <= NOW
        if chat.status is SessionStatus.ENDED:
            assert chat.agent_id is not None and chat.started_at is not None
            assert chat.first_response_at is not None
            assert chat.requested_at <= chat.started_at <= chat.first_response_at <= chat.ended_at
        else:
            assert chat.agent_id is None and chat.started_at is None and chat.rating is None
        if chat.status is SessionStatus.REQUEST_POSTED:
            assert chat.request_id is not None
    answered = [chat for chat in chats if chat.status is SessionStatus.ENDED]
    missed = [chat for chat in chats if chat.status is SessionStatus.CLOSED_FROM_QUEUE]
    rated = [chat for chat in answered if chat.rating is not None]
    assert 0.8 < len(answered) / len(chats) < 0.95
    assert 0.03 < len(missed) / len(chats) < 0.15
    assert 0.3 < len(rated) / len(answered) < 0.6
    assert all(1 <= chat.rating <= 5 for chat in rated if chat.rating is not None)
    assert any(chat.contact_id is not None for chat in answered)


def test_messages_and_session_events_line_up(seeded: tuple[Database, bool]) -> None:
    database, _ = seeded
    with database.read() as db:
        chat_ids = list(db.scalars(select(ChatSession.id).order_by(ChatSession.id)))
        sample = chat_ids[:: max(1, len(chat_ids) // 40)]
        agent_names = {user.id: user.name_for_visitors for user in db.scalars(select(User))}
        for chat_id in sample:
            chat = db.get(ChatSession, chat_id)
            assert chat is not None
            messages = list(db.scalars(select(Message).where(Message.session_id == chat_id).order_by(Message.seq)))
            events = session_events_after(db, chat_id, 0, staff=True)
            expected = list(range(1, chat.last_seq + 1))
            assert [m.seq for m in messages] == expected
            assert [e["seq"] for e in events] == expected
            assert messages[0].author_kind is AuthorKind.VISITOR
            assert messages[0].body == chat.first_question
            if chat.status is not SessionStatus.ENDED:
                assert chat.last_seq == 1
            else:
                assert 3 <= chat.last_seq <= 12
            assert chat.last_activity_at == messages[-1].created_at
            for message, event in zip(messages, events, strict=True):
                data = event["data"]
                assert event["event"] == "message" and not event["staff_only"]
                assert event["at"] == message.created_at.isoformat()
                assert data["message_id"] == message.id
                assert data["body"] == message.body
                assert data["author"] == message.author_kind.value
                assert data["client_msg_id"] is None
                if message.author_kind is AuthorKind.AGENT:
                    assert message.author_user_id is not None
                    assert data["author_user_id"] == message.author_user_id
                    assert data["author_name"] == agent_names[message.author_user_id]
                else:
                    assert "author_user_id" not in data
            times = [m.created_at for m in messages]
            assert times == sorted(times)


def test_transfers_hand_the_chat_to_its_final_agent(seeded: tuple[Database, bool]) -> None:
    database, _ = seeded
    with database.read() as db:
        transfers = list(db.scalars(select(Transfer)))
        assert transfers
        for transfer in transfers:
            chat = db.get(ChatSession, transfer.session_id)
            assert chat is not None
            assert transfer.state is TransferState.ACCEPTED
            assert chat.agent_id == transfer.to_user_id != transfer.from_user_id


def test_same_seed_gives_the_same_history(tmp_path: Path) -> None:
    def summary(database: Database) -> list[tuple[object, ...]]:
        with database.read() as db:
            return [
                (c.channel_id, c.status, c.agent_id, c.requested_at, c.ended_at, c.rating, c.last_seq)
                for c in db.scalars(select(ChatSession).order_by(ChatSession.id))
            ]

    first, second = make_database(tmp_path / "a.db"), make_database(tmp_path / "b.db")
    assert seed_demo(first, now=NOW, days=3) and seed_demo(second, now=NOW, days=3)
    assert summary(first) == summary(second)
    assert len(summary(first)) > 20
    first.dispose()
    second.dispose()
