"""The loader: outcomes on edge cases, idempotence, resume after an interruption or a kill, freshness."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import func, select, update

from analytics.loader import load_changes
from analytics.snapshot import Paths, read_status, snapshot_cursor
from analytics.source import open_source
from chat.actions.visitor_send import send_visitor_message
from chat.models import ChatSession, Message, SessionStatus
from tests.analytics_fixture import CHATS, Spec, add_chats, at, build

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("chats", "messages", "transfers", "presence_events", "channels", "agents", "memberships")


def dump(path: Path | duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(path), read_only=True) if isinstance(path, Path) else path
    found = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    if isinstance(path, Path):
        con.close()
    return found


def outcomes(folder: Path) -> dict[int, str]:
    with snapshot_cursor(folder) as cur:
        return dict(cur.execute("SELECT chat_id, outcome FROM chats").fetchall())


def test_outcomes_on_the_edge_cases(tmp_path: Path) -> None:
    database, etl = build(tmp_path)
    assert outcomes(tmp_path) == {
        1: "answered", 2: "answered", 3: "answered", 4: "answered", 13: "answered", 14: "answered",
        5: "missed_in_queue",  # the visitor left the queue
        6: "missed_in_queue",  # the queue timed out (ended by idle)
        7: "closed_from_queue",  # staff closed it unanswered
        8: "request_from_queue", 9: "offline_request",
        12: "answered",  # answered, reopened into the queue, then left: still an answered chat
    }  # 10 (closed the pre-chat form, never queued) and 11 (still waiting) are not chats yet
    with snapshot_cursor(tmp_path) as cur:
        reopened = cur.execute("SELECT wait_seconds, handle_seconds FROM chats WHERE chat_id = 12").fetchone()
        assert reopened == (None, 3900)
        assert cur.execute("SELECT wait_seconds FROM chats WHERE chat_id = 8").fetchone() == (300,)  # until it left
        assert cur.execute("SELECT wait_seconds FROM chats WHERE chat_id = 9").fetchone() == (None,)  # never queued
    etl.close()
    database.dispose()


def test_a_second_load_changes_nothing(tmp_path: Path) -> None:
    database, etl = build(tmp_path)
    before, snapshot = dump(etl.connection()), read_status(Paths(tmp_path))["snapshot"]
    result = etl.run()
    assert not result.changed
    assert dump(etl.connection()) == before
    assert read_status(Paths(tmp_path))["snapshot"] == snapshot  # nothing new was published
    etl.close()
    database.dispose()


def test_a_chat_that_ends_is_in_the_statistics_after_the_next_load(tmp_path: Path) -> None:
    database, etl = build(tmp_path)
    assert 11 not in outcomes(tmp_path)
    with database.write() as db:  # the ORM sets updated_at, as the chat service does
        chat = db.get(ChatSession, 11)
        assert chat is not None
        chat.status, chat.ended_at, chat.ended_by = SessionStatus.CLOSED_FROM_QUEUE, at(8, 13, 5), "visitor"
        reopened = db.get(ChatSession, 13)
        assert reopened is not None
        reopened.status, reopened.ended_at = SessionStatus.CUSTOMER_LAST, None
    result = etl.run()
    assert (result.chats, result.removed) == (1, 1)
    found = outcomes(tmp_path)
    assert found[11] == "missed_in_queue"
    assert 13 not in found  # reopened: history again once it ends
    etl.close()
    database.dispose()


def test_a_chats_messages_reach_the_statistics_when_it_ends(tmp_path: Path) -> None:
    database, etl = build(tmp_path)
    with database.write() as db:  # the fixture writes its rows straight, without the chat's sequence
        waiting = db.get_one(ChatSession, 11)
        waiting.last_seq = db.scalar(select(func.max(Message.seq)).where(Message.session_id == 11)) or 0
    with database.read() as db:
        waiting = db.get_one(ChatSession, 11)
        visitor_id, updated_at = waiting.visitor_id, waiting.updated_at
    for number, text in enumerate(("Is anyone there?", "Hello?")):  # the same turn: `updated_at` stays
        send_visitor_message(database, visitor_id, 11, text, f"c{number}")
    with database.read() as db:
        assert db.get_one(ChatSession, 11).updated_at == updated_at
    etl.run()
    assert 11 not in outcomes(tmp_path)
    with database.write() as db:
        chat = db.get_one(ChatSession, 11)
        chat.status, chat.ended_at, chat.ended_by = SessionStatus.CLOSED_FROM_QUEUE, at(8, 13, 5), "visitor"
    etl.run()
    with snapshot_cursor(tmp_path) as cur:
        bodies = [row[0] for row in cur.execute("SELECT body FROM messages WHERE chat_id = 11 ORDER BY seq").fetchall()]
    assert bodies[-2:] == ["Is anyone there?", "Hello?"]
    etl.close()
    database.dispose()


class LoadInterruptedError(Exception):
    pass


def test_an_interrupted_load_resumes_after_its_last_whole_batch(tmp_path: Path) -> None:
    database, etl = build(tmp_path)
    expected = dump(etl.connection())
    con = duckdb.connect(str(tmp_path / "resumed.duckdb"))
    source = open_source(database.url)
    batches: list[int] = []

    def stop_after_two(rows: int) -> None:
        batches.append(rows)
        if len(batches) == 2:
            raise LoadInterruptedError

    with pytest.raises(LoadInterruptedError):
        load_changes(con, source, batch=3, progress=stop_after_two)
    assert con.execute("SELECT count(*) FROM chats").fetchone() == (6,)  # two committed batches of 3 sessions
    load_changes(con, source, batch=3)
    assert dump(con) == expected
    source.close()
    con.close()
    etl.close()
    database.dispose()


KILLER = """
import os, sys
import duckdb
from analytics.loader import load_changes
from analytics.source import open_source
con = duckdb.connect(sys.argv[1])
seen = []
def die(rows):
    seen.append(rows)
    if len(seen) == 2:
        os._exit(9)  # no cleanup, no close: like SIGKILL
load_changes(con, open_source(sys.argv[2], native=True), batch=2, progress=die)
"""


def test_a_killed_load_resumes_in_a_new_process(tmp_path: Path) -> None:
    database, etl = build(tmp_path)
    target = tmp_path / "killed.duckdb"
    done = subprocess.run([sys.executable, "-c", KILLER, str(target), database.url], cwd=ROOT, check=False)
    assert done.returncode == 9
    con = duckdb.connect(str(target))
    assert con.execute("SELECT count(*) FROM chats").fetchone() == (4,)
    load_changes(con, open_source(database.url), batch=2)  # and resumed through the other reader
    assert dump(con) == dump(etl.connection())
    con.close()
    etl.close()
    database.dispose()


def test_full_rebuild_here_and_in_its_own_process_give_the_same_warehouse(tmp_path: Path) -> None:
    database, etl = build(tmp_path)
    incremental = dump(etl.connection())
    etl.rebuild()
    assert dump(etl.connection()) == incremental
    etl.close()
    done = subprocess.run([sys.executable, "-m", "analytics.etl", "--full"], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "CHAT_DATA_DIR": str(tmp_path), "CHAT_LOG_LEVEL": "WARNING"},
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "12 chats loaded" in done.stdout  # 1-9, 12, 13, 14
    assert dump(Paths(tmp_path).work) == incremental
    database.dispose()


def test_readers_keep_their_snapshot_while_a_new_one_is_published(tmp_path: Path) -> None:
    database, etl = build(tmp_path)
    later = (Spec(20, 1, SessionStatus.ENDED, at(8, 15), agent=1, wait=5, handle=50, ended_by="agent"),)
    with snapshot_cursor(tmp_path) as before:
        add_chats(database, later)
        etl.run()
        assert before.execute("SELECT count(*) FROM chats").fetchone() == (len(CHATS) - 2,)
        with snapshot_cursor(tmp_path) as after:
            assert after.execute("SELECT count(*) FROM chats").fetchone() == (len(CHATS) - 1,)
    assert len(list(Paths(tmp_path).snapshots.glob("*.duckdb"))) <= 3
    etl.close()
    database.dispose()


def test_changes_inside_the_lookback_are_not_loaded_twice(tmp_path: Path) -> None:
    database, etl = build(tmp_path)
    with database.write() as db:  # a late commit with an older updated_at than the watermark
        db.execute(update(ChatSession).where(ChatSession.id == 14).values(
            rating=5, updated_at=at(8, 14) + timedelta(seconds=30)))
    assert etl.run().chats == 1
    assert not etl.run().changed
    etl.close()
    database.dispose()


def test_the_app_loads_in_the_background_only_when_asked(tmp_path: Path) -> None:
    from app import create_app

    app = create_app({"data_dir": tmp_path, "etl_interval": 0.05}, background=False)
    assert not any(t.name == "analytics-etl" for t in threading.enumerate())
    assert not Paths(tmp_path).pointer.exists()
    app.extensions["chat"].db.dispose()
