"""SQLite's write-ahead log copied back into the database file off the serving loop.

By default SQLite checkpoints inside whichever commit takes the log past 1,000 pages: that one write then
copies the pages and syncs the files, a pause of several milliseconds for the whole gevent process and the
slowest percent of chat messages (docs/benchmarks.md). The serving process switches that off on its own
connections and checkpoints every second from gevent's native thread pool, where SQLite works on the other
core while chats go on (PASSIVE: it blocks nobody).

A log that writes keep appending to is never found fully copied, and SQLite starts it over only then: left
alone it grows without end, and every read and write gets slower with it. So once it holds more than
`RESTART_FRAMES`, a second checkpoint runs while this process's writes are held back: it copies only what
came in since the first, and the next write starts the log over.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading

from analytics.snapshot import run_off_loop
from chat.db import Database

log = logging.getLogger(__name__)
RESTART_FRAMES = 2000  # about 8 MB of log
INTERVAL_SECONDS = 1.0


def checkpoint(path: str) -> int:
    """Copy what the log holds into the database file; return how many frames the log holds."""
    with contextlib.closing(sqlite3.connect(path, timeout=15)) as connection:
        _busy, log_frames, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(log_frames)


def checkpoint_keeping_the_log_short(database: Database, path: str) -> None:
    if run_off_loop(checkpoint, path) > RESTART_FRAMES:
        with database.writes_held():
            run_off_loop(checkpoint, path)


def start(database: Database, stop: threading.Event, interval: float = INTERVAL_SECONDS) -> None:
    path = database.engine.url.database
    if not database.is_sqlite or not path or path == ":memory:":
        return
    database.checkpoint_elsewhere()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                checkpoint_keeping_the_log_short(database, path)
            except Exception:
                log.exception("WAL checkpoint failed; trying again in %s s", interval)

    threading.Thread(target=loop, name="sqlite-checkpoints", daemon=True).start()
