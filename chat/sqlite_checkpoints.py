"""SQLite's write-ahead log copied back into the database file off the serving loop.

By default SQLite checkpoints inside whichever commit takes the log past 1,000 pages: that one write then
copies the pages and syncs the file, a pause of several milliseconds for the whole gevent process and the
slowest percent of chat messages (docs/benchmarks.md). The serving process switches that off on its own
connections and checkpoints every second from gevent's native thread pool, where SQLite works
on the other core while chats go on. A PASSIVE checkpoint blocks nobody; should the log still grow past
`WAL_LIMIT_BYTES` under a constant stream of writes, a RESTART checkpoint (which waits for the writer and
holds it off until the log can start over) brings it back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading

from analytics.snapshot import run_off_loop
from chat.db import Database

log = logging.getLogger(__name__)
WAL_LIMIT_BYTES = 64 * 1024 * 1024
INTERVAL_SECONDS = 1.0


def checkpoint(path: str) -> None:
    try:
        wal_bytes = os.path.getsize(f"{path}-wal")
    except OSError:
        return
    mode = "RESTART" if wal_bytes > WAL_LIMIT_BYTES else "PASSIVE"
    with contextlib.closing(sqlite3.connect(path, timeout=15)) as connection:
        connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()


def start(database: Database, stop: threading.Event, interval: float = INTERVAL_SECONDS) -> None:
    path = database.engine.url.database
    if not database.is_sqlite or not path or path == ":memory:":
        return
    database.checkpoint_elsewhere()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                run_off_loop(checkpoint, path)
            except Exception:
                log.exception("WAL checkpoint failed; trying again in %s s", interval)

    threading.Thread(target=loop, name="sqlite-checkpoints", daemon=True).start()
