"""A large generated chat history, written straight into SQLite with set-based SQL (no ORM, no Python loops).

The schema is the product's own (Alembic migrations). Values come from integer hashes of the row number,
so the same size always gives the same rows. Outcome mix: 88 % answered, 6 % missed in the queue,
2.5 % request from the queue, 2 % offline request, 1.5 % closed from the queue by staff. Every chat has
10 messages (answered chats alternate visitor/agent; unanswered ones are the visitor's), 2 % of the
answered chats were transferred once, and every agent is Present 08-17 on weekdays.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from werkzeug.security import generate_password_hash

from chat.bus import InProcessBus
from chat.db import Database

AGENTS = 24
FIRST_AGENT_ID = 3  # 1 = manager, 2 = admin
MESSAGES_PER_CHAT = 10
DAYS = 365
PHRASES = ("Hello, I have a question about my latest invoice and the due date on it. "
           "Thanks, that solved it. Could you also check the delivery date of order 4471 for me please?")


def h(n: int) -> str:
    """A well-mixed non-negative integer hash of the row number `i`, one stream per `n`."""
    return f"((i * {2654435761 + 97 * n} + {40503 * n}) % 2147483647)"


def stamp(seconds: str) -> str:
    return f"strftime('%Y-%m-%d %H:%M:%S', {seconds}, 'unixepoch') || '.000000'"


def _filled(db: sqlite3.Connection, table: str, given: dict[str, str]) -> tuple[str, str]:
    """Column list and SELECT list: the given expressions plus neutral values for other NOT NULL columns."""
    columns, values = [], []
    for _, name, kind, notnull, _, _ in db.execute(f"PRAGMA table_info({table})"):
        if name in given:
            columns.append(name)
            values.append(given[name])
        elif notnull:
            columns.append(name)
            values.append("'[]'" if kind == "JSON" else "0" if kind in ("INTEGER", "BOOLEAN") else
                          "'2024-01-01 00:00:00.000000'" if kind == "DATETIME" else "''")
    return ", ".join(columns), ", ".join(values)


def insert_chats(db: sqlite3.Connection, first: int, count: int, base: int, spread: float, *,
                 touched: int | None = None) -> None:
    """Chats `first`..`first+count-1` with visitors, messages and transfers, arriving from epoch second `base`.

    `touched`: the commit time written to `updated_at` (the chat service stamps its rows when it writes them);
    by default the generated history was written as each chat ended."""
    outcome = f"({h(1)} % 1000)"
    requested = f"({base} + CAST((i - {first}) * {spread} AS INTEGER))"
    answered = f"{outcome} < 880"
    started = f"({requested} + 5 + {h(2)} % 300)"
    ended_answered = f"({started} + 60 + {h(3)} % 1200)"
    chat = {
        "id": "i", "channel_id": "1 + i % 3", "visitor_id": "i", "status": f"""CASE WHEN {answered} THEN 'ended'
            WHEN {outcome} < 940 OR {outcome} >= 985 THEN 'closed_from_queue' ELSE 'request_posted' END""",
        "agent_id": f"CASE WHEN {answered} THEN {FIRST_AGENT_ID} + {h(5)} % {AGENTS} END",
        "language": "CASE WHEN i % 3 = 0 THEN 'sv' ELSE 'en' END", "visitor_name": "'Visitor ' || i",
        "visitor_email": "'visitor' || i || '@example.com'", "requested_at": stamp(requested),
        "started_at": f"CASE WHEN {answered} THEN {stamp(started)} END",
        "first_response_at": f"CASE WHEN {answered} THEN {stamp(f'{started} + 5 + {h(4)} % 40')} END",
        "ended_at": f"{stamp(f'CASE WHEN {answered} THEN {ended_answered} ELSE {started} + 60 END')}",
        "last_activity_at": stamp(requested),
        "updated_at": stamp(str(touched)) if touched is not None else
        f"{stamp(f'CASE WHEN {answered} THEN {ended_answered} ELSE {started} + 60 END')}",
        "ended_by": f"CASE WHEN {outcome} >= 985 THEN 'agent' ELSE 'visitor' END",
        "initial_queue_position": f"CASE WHEN {outcome} BETWEEN 965 AND 984 THEN NULL ELSE 1 + {h(6)} % 5 END",
        "rating": f"CASE WHEN {answered} AND {h(7)} % 100 < 40 THEN 1 + {h(8)} % 5 END",
        "rating_comment": f"CASE WHEN {answered} AND {h(7)} % 100 < 8 THEN 'Helpful, thanks!' END",
        "last_seq": str(MESSAGES_PER_CHAT), "consent": "1",
    }
    numbers = f"WITH RECURSIVE n(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM n WHERE i < {first + count - 1})"
    columns, values = _filled(db, "visitors", {"id": "i", "public_id": "'v-' || i", "created_at": stamp(requested)})
    db.execute(f"{numbers} INSERT INTO visitors ({columns}) SELECT {values} FROM n")
    columns, values = _filled(db, "chat_sessions", chat)
    db.execute(f"{numbers} INSERT INTO chat_sessions ({columns}) SELECT {values} FROM n")
    message = {
        "id": f"(s.id - 1) * {MESSAGES_PER_CHAT} + k", "session_id": "s.id", "seq": "k",
        "author_kind": "CASE WHEN s.status = 'ended' AND k % 2 = 0 THEN 'agent' ELSE 'visitor' END",
        "author_user_id": "CASE WHEN s.status = 'ended' AND k % 2 = 0 THEN s.agent_id END", "kind": "'text'",
        "body": f"substr('{PHRASES}', 1 + (s.id * 7 + k * 13) % 120, 30 + (s.id + k) % 50)",
        "created_at": "strftime('%Y-%m-%d %H:%M:%S', s.requested_at, '+' || (k * 20) || ' seconds') || '.000000'",
    }
    columns, values = _filled(db, "messages", message)
    db.execute(f"""WITH RECURSIVE seqs(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seqs WHERE k < {MESSAGES_PER_CHAT})
        INSERT INTO messages ({columns}) SELECT {values} FROM chat_sessions s CROSS JOIN seqs
        WHERE s.id BETWEEN {first} AND {first + count - 1} ORDER BY s.id, k""")
    db.execute(f"""INSERT INTO transfers (session_id, from_user_id, to_user_id, state, requested_at, resolved_at)
        SELECT id, {FIRST_AGENT_ID} + (agent_id - {FIRST_AGENT_ID} + 1) % {AGENTS}, agent_id, 'accepted',
               started_at, started_at FROM chat_sessions
        WHERE id BETWEEN {first} AND {first + count - 1} AND status = 'ended' AND id % 50 = 0""")


def generate(path: Path, chats: int, *, now: datetime | None = None) -> None:
    """A fresh database at `path` with staff, channels, presence and `chats` chats over the last year."""
    path.unlink(missing_ok=True)
    database = Database(f"sqlite:///{path}", InProcessBus())
    database.migrate()
    database.dispose()
    now = now or datetime.now(UTC)
    start = now - timedelta(days=DAYS)
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; BEGIN;")
    password = generate_password_hash("demo")
    people = [(1, "manager", "Maria Manager", "manager"), (2, "admin", "Admin", "admin")]
    people += [(FIRST_AGENT_ID + n, f"agent{n + 1}", f"Agent {n + 1:02d}", "agent") for n in range(AGENTS)]
    for user_id, username, name, role in people:
        columns, values = _filled(db, "users", {"id": str(user_id), "username": "?", "display_name": "?",
                                                "password_hash": "?", "role": "?", "is_active": "1",
                                                "language": "'en'", "presence": "'away'"})
        db.execute(f"INSERT INTO users ({columns}) VALUES ({values})", (username, name, password, role))
    for channel_id, name, level in ((1, "Support", 60), (2, "Sales", 90), (3, "Teknisk support", 120)):
        columns, values = _filled(db, "channels", {"id": str(channel_id), "name": "?", "language": "'en'",
                                                   "service_level_seconds": str(level),
                                                   "time_zone": "'Europe/Stockholm'", "widget": "'{}'"})
        db.execute(f"INSERT INTO channels ({columns}) VALUES ({values})", (name,))
        db.executemany("INSERT INTO memberships (user_id, channel_id, can_respond, notifications, can_listen, "
                       "is_manager) VALUES (?, ?, 1, 1, 0, 0)",
                       [(FIRST_AGENT_ID + n, channel_id) for n in range(AGENTS)])
    base = int(start.timestamp())
    insert_chats(db, 1, chats, base, DAYS * 86400 / chats)
    for day in range(DAYS):
        moment = start + timedelta(days=day)
        if moment.weekday() < 5:
            opens = int(moment.replace(hour=7, minute=0, second=0).timestamp())
            db.executemany("INSERT INTO agent_events (kind, user_id, payload, created_at) VALUES "
                           "('presence', NULL, json_object('user_id', ?, 'presence', ?), "
                           f"{stamp('?')})", [(FIRST_AGENT_ID + n, state, opens + offset)
                                             for n in range(AGENTS) for state, offset in
                                             (("present", 0), ("away", 9 * 3600))])
    db.execute("COMMIT")
    db.close()


def add_chats(path: Path, count: int, *, at: datetime | None = None) -> None:
    """`count` more finished chats (the incremental load's input), arriving over the last hour before `at`.

    They are written after everything already there: the generated history's last chats end up to half an
    hour after it was generated, and a loader's watermark is the newest `updated_at` it has seen."""
    db = sqlite3.connect(path, isolation_level=None)
    first_id, newest = db.execute("SELECT max(id), max(updated_at) FROM chat_sessions").fetchone()
    db.execute("BEGIN")
    moment = at or datetime.now(UTC)
    start = int(moment.timestamp())
    written = int(datetime.fromisoformat(newest).replace(tzinfo=UTC).timestamp()) + 1 if newest else start
    insert_chats(db, (first_id or 0) + 1, count, start - 3600 - 2000, 3600 / count, touched=max(start, written) + 1)
    db.execute("COMMIT")
    db.close()
