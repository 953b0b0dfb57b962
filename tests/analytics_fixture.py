"""A small, fixed chat history written row by row, for checking every statistic by hand.

Channel 1 "Support" (service level 60 s) and channel 2 "Sales" (120 s), both Europe/Stockholm (UTC+2 in
May 2024). Agents 1 (Anna) and 2 (Erik). Times below are UTC. The numbers the tests expect are worked
out by hand in the tests from this table, never by the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from chat.db import Database
from chat.models import (
    AgentEvent,
    Channel,
    ChatSession,
    Membership,
    Message,
    Role,
    SessionStatus,
    Transfer,
    TransferState,
    User,
    Visitor,
)

S = SessionStatus


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 5, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Spec:
    id: int
    channel: int
    status: SessionStatus
    requested: datetime
    agent: int | None = None
    queue: int | None = 1
    wait: float | None = None  # seconds to started_at (negative: a reopened chat whose request was reset)
    first_response: float | None = None  # seconds after started_at
    handle: float | None = None  # seconds from started_at to ended_at
    left_after: float | None = None  # unanswered: seconds from request to the end
    ended_by: str | None = "visitor"
    rating: int | None = None
    comment: str | None = None
    visitor_messages: int = 1
    agent_messages: int = 0


CHATS: tuple[Spec, ...] = (
    Spec(1, 1, S.ENDED, at(6, 8), agent=1, wait=30, first_response=10, handle=300, ended_by="agent", rating=5,
         comment="=HYPERLINK(\"http://evil\")", visitor_messages=3, agent_messages=3),
    Spec(2, 1, S.ENDED, at(6, 8, 30), agent=1, wait=90, first_response=20, handle=600, rating=3,
         visitor_messages=2, agent_messages=2),
    Spec(3, 1, S.ENDED, at(7, 12), agent=2, wait=45, first_response=5, handle=200, visitor_messages=4,
         agent_messages=5),  # transferred from agent 1 to agent 2
    Spec(4, 2, S.ENDED, at(7, 22, 30), agent=2, wait=150, first_response=15, handle=400, rating=4,
         comment="+46 said hi", visitor_messages=1, agent_messages=1),  # 00:30 local on Wednesday 8 May
    Spec(5, 1, S.CLOSED_FROM_QUEUE, at(6, 9), queue=2, left_after=200),  # visitor gave up: missed
    Spec(6, 2, S.CLOSED_FROM_QUEUE, at(7, 9), left_after=100, ended_by="idle"),  # timed out: missed
    Spec(7, 1, S.CLOSED_FROM_QUEUE, at(7, 10), left_after=50, ended_by="agent"),  # staff closed it
    Spec(8, 2, S.REQUEST_POSTED, at(8, 10), queue=3, left_after=300),  # request from the queue
    Spec(9, 1, S.REQUEST_POSTED, at(8, 11), queue=None, left_after=20),  # offline request
    Spec(10, 1, S.CLOSED_FROM_QUEUE, at(8, 12), queue=None, left_after=40, visitor_messages=0),  # pre-chat only
    Spec(11, 1, S.IN_QUEUE, at(8, 13), ended_by=None),  # still waiting
    Spec(12, 1, S.CLOSED_FROM_QUEUE, at(8, 9), agent=1, wait=-3600, first_response=8, handle=3900,
         visitor_messages=2, agent_messages=1),  # answered, reopened into the queue, then left
    Spec(13, 2, S.ENDED, at(8, 14), agent=2, wait=10, handle=60, ended_by="agent", visitor_messages=1),
    Spec(14, 1, S.ENDED, at(4, 10), agent=1, wait=20, first_response=5, handle=100, rating=2,
         visitor_messages=1, agent_messages=1),  # the previous period
)


def _session(spec: Spec) -> dict[str, Any]:
    started = spec.requested + timedelta(seconds=spec.wait) if spec.wait is not None else None
    if started is not None and spec.handle is not None:
        ended: datetime | None = started + timedelta(seconds=spec.handle)
    elif spec.left_after is not None:
        ended = spec.requested + timedelta(seconds=spec.left_after)
    else:
        ended = None
    first = started + timedelta(seconds=spec.first_response) if started and spec.first_response else None
    return {
        "id": spec.id, "channel_id": spec.channel, "visitor_id": spec.id, "agent_id": spec.agent,
        "status": spec.status, "language": "en", "visitor_name": f"Visitor {spec.id}",
        "visitor_email": f"v{spec.id}@example.com", "visitor_company": "-Dash AB" if spec.id == 2 else "",
        "requested_at": spec.requested, "started_at": started, "first_response_at": first, "ended_at": ended,
        "last_activity_at": ended or spec.requested, "ended_by": spec.ended_by if ended else None,
        "initial_queue_position": spec.queue, "rating": spec.rating, "rating_comment": spec.comment,
        "updated_at": ended or spec.requested,
    }


def _messages(spec: Spec, first_id: int) -> list[dict[str, Any]]:
    rows = []
    sides = ["visitor"] * spec.visitor_messages + ["agent"] * spec.agent_messages
    for seq, side in enumerate(sides, start=1):
        rows.append({"id": first_id + seq, "session_id": spec.id, "seq": seq, "author_kind": side,
                     "author_user_id": spec.agent if side == "agent" else None, "kind": "text",
                     "body": f"{side} line {seq}", "created_at": spec.requested + timedelta(seconds=seq)})
    return rows


def seed(database: Database, chats: tuple[Spec, ...] = CHATS) -> None:
    with database.write() as db:
        db.execute(insert(User), [
            {"id": 1, "username": "anna", "display_name": "Anna Lindqvist", "password_hash": "x", "role": Role.AGENT},
            {"id": 2, "username": "erik", "display_name": "Erik Johansson", "password_hash": "x", "role": Role.AGENT},
        ])
        db.execute(insert(Channel), [
            {"id": 1, "name": "Support", "service_level_seconds": 60, "time_zone": "Europe/Stockholm"},
            {"id": 2, "name": "Sales", "service_level_seconds": 120, "time_zone": "Europe/Stockholm"},
        ])
        db.execute(insert(Membership), [{"user_id": u, "channel_id": c} for u in (1, 2) for c in (1, 2)])
        add_chats(database, chats, db)
        db.execute(insert(Transfer), [{"session_id": 3, "from_user_id": 1, "to_user_id": 2,
                                       "state": TransferState.ACCEPTED, "requested_at": at(7, 12, 2),
                                       "resolved_at": at(7, 12, 3)},
                                      {"session_id": 4, "from_user_id": 2, "to_user_id": 1,
                                       "state": TransferState.REJECTED, "requested_at": at(7, 22, 35),
                                       "resolved_at": at(7, 22, 36)}])
        # Anna is Present 09:00-12:00 UTC on Monday 6 May (11-14 local), Erik from 10:30 to 11:00 UTC.
        db.execute(insert(AgentEvent), [
            {"kind": "presence", "payload": {"user_id": user, "presence": state}, "created_at": when}
            for user, state, when in ((1, "present", at(6, 9)), (2, "present", at(6, 10, 30)),
                                      (2, "away", at(6, 11)), (1, "away", at(6, 12)))
        ])


def add_chats(database: Database, chats: tuple[Spec, ...], db: Any = None) -> None:
    if db is None:
        with database.write() as session:
            add_chats(database, chats, session)
        return
    db.execute(insert(Visitor), [{"id": s.id, "public_id": f"visitor-{s.id}"} for s in chats])
    db.execute(insert(ChatSession).execution_options(render_nulls=True), [_session(s) for s in chats])
    messages = [row for s in chats for row in _messages(s, s.id * 100)]
    if messages:
        db.execute(insert(Message), messages)


def build(folder: Any, chats: tuple[Spec, ...] = CHATS) -> tuple[Database, Any]:
    """The fixture in a fresh SQLite file under `folder`, loaded once and published; returns (db, Etl)."""
    from analytics.etl import Etl
    from chat.bus import InProcessBus

    database = Database(f"sqlite:///{folder / 'chat.db'}", InProcessBus())
    database.migrate()
    seed(database, chats)
    etl = Etl(folder, database.url)
    etl.run()
    return database, etl
