"""WAL checkpoints off the serving loop: commits stop copying the log, the background loop does it."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chat import sqlite_checkpoints
from chat.db import Database
from chat.models import Channel
from tests.unit.conftest import RecordingBus

ROWS = 1500  # one transaction each: past SQLite's default auto-checkpoint of 1,000 pages


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'wal.db'}", RecordingBus())
    database.migrate()
    sqlite_checkpoints.checkpoint(database.engine.url.database or "")  # the schema into the main file
    yield database
    database.dispose()


def _channels_in_main_file(database: Database) -> int:
    """What a reader that ignores the write-ahead log finds: only what checkpoints copied."""
    uri = f"file:{database.engine.url.database}?immutable=1"
    with sqlite3.connect(uri, uri=True) as connection:
        return int(connection.execute("SELECT count(*) FROM channels").fetchone()[0])


def _write_channels(database: Database, count: int) -> None:
    for i in range(count):
        with database.write() as db:
            db.add(Channel(name=f"channel {i}"))


def test_commits_leave_the_log_to_the_checkpoint(database: Database) -> None:
    database.checkpoint_elsewhere()
    _write_channels(database, ROWS)
    assert _channels_in_main_file(database) == 0
    sqlite_checkpoints.checkpoint(database.engine.url.database or "")
    assert _channels_in_main_file(database) == ROWS


def test_by_default_commits_checkpoint_themselves(database: Database) -> None:
    _write_channels(database, ROWS)
    assert _channels_in_main_file(database) > 0


def test_the_background_loop_checkpoints(database: Database) -> None:
    stop = threading.Event()
    sqlite_checkpoints.start(database, stop, interval=0.1)
    try:
        _write_channels(database, 50)
        deadline = time.monotonic() + 10
        while _channels_in_main_file(database) < 50 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _channels_in_main_file(database) == 50
    finally:
        stop.set()


def test_a_long_log_is_copied_again_with_writes_held(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The decision only: SQLite itself starts the log over at the next write once a checkpoint finds it
    fully copied, which the first test shows; writes keep it from being so while they go on."""
    writes_held_at_each_call: list[bool] = []
    log_frames = iter([sqlite_checkpoints.RESTART_FRAMES + 1, 3, 40])

    def checkpoint(_path: str) -> int:
        writes_held_at_each_call.append(database._writer_lock.locked())  # type: ignore[attr-defined]
        return next(log_frames)

    monkeypatch.setattr(sqlite_checkpoints, "checkpoint", checkpoint)
    sqlite_checkpoints.checkpoint_keeping_the_log_short(database, "unused")
    assert writes_held_at_each_call == [False, True]
    sqlite_checkpoints.checkpoint_keeping_the_log_short(database, "unused")
    assert writes_held_at_each_call == [False, True, False]
