"""A visitor's message write by itself: CPU and SQLite WAL frames per message, beside the bare relay's write.

    .venv/bin/python bench/message_write.py [--chats 1000] [--history 60] [--batches 1,3,10]

The product's write is `send_visitor_message`'s common case (`visitor_send._send_same_turn`) in
`Database.driver_write` transactions of 1, 3 or 10 messages, as the group commit batches them, into
`--chats` open chats written in rotation (each chat already holding `--history` messages), on a fresh
migrated SQLite database. The peer is the bare relay's write (bench/peers/bare_relay.py): one INSERT into a
table with no index, one COMMIT per message. The log is checkpointed before each round of 300 messages
and not during it, so the growth of the WAL file is the frames the round wrote. Prints a table; figures
for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Protocol

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chat.actions.visitor_send import _send_same_turn
from chat.bus import InProcessBus
from chat.db import Database
from chat.models import ChatSession, SessionStatus, Visitor
from tests.factories import make_channel

ROUND = 300
WAL_HEADER = 32
BODY = "Hello, I ordered a parcel last week and it has not arrived yet."


def _frames_written(wal: Path, before: int, page_size: int) -> float:
    return (wal.stat().st_size - max(before, WAL_HEADER)) / (page_size + 24)


class WriteTarget(Protocol):
    wal: Path
    page_size: int

    def write_batch(self, batch: int) -> None: ...

    def checkpoint(self) -> None: ...


def _measure(target: WriteTarget, batch: int, rounds: int) -> tuple[float, float]:
    """CPU ms and WAL frames per message over `rounds` rounds of ROUND messages."""
    cpu = frames = 0.0
    for _ in range(rounds):
        target.checkpoint()
        before = target.wal.stat().st_size if target.wal.exists() else 0
        started = time.process_time()
        for _ in range(ROUND // batch):
            target.write_batch(batch)
        cpu += time.process_time() - started
        frames += _frames_written(target.wal, before, target.page_size)
    messages = rounds * (ROUND // batch) * batch
    return cpu / messages * 1000, frames / messages


class ProductWrite:
    def __init__(self, path: Path, chats: int, history: int) -> None:
        self.database = Database(f"sqlite:///{path}", InProcessBus())
        self.database.checkpoint_elsewhere()
        self.database.migrate()
        self.wal = Path(f"{path}-wal")
        self.raw = sqlite3.connect(path, isolation_level=None)
        self.page_size = int(self.raw.execute("PRAGMA page_size").fetchone()[0])
        with self.database.write() as db:
            channel = make_channel(db)
            self.chats: list[tuple[int, int]] = []
            for _ in range(chats):
                visitor = Visitor(public_id=str(uuid.uuid4()))
                db.add(visitor)
                db.flush()
                chat = ChatSession(channel_id=channel.id, visitor_id=visitor.id, status=SessionStatus.CUSTOMER_LAST)
                db.add(chat)
                db.flush()
                self.chats.append((chat.id, visitor.id))
        self.turn = 0
        for start in range(0, chats * history, 50):
            self.write_batch(min(50, chats * history - start))
            if start % 5_000 == 0:
                self.checkpoint()

    def write_batch(self, batch: int) -> None:
        """`batch` messages to chats far apart, as concurrent chats arrive."""
        with self.database.driver_write() as transaction:
            for k in range(batch):
                session_id, visitor_id = self.chats[(self.turn + k * 97) % len(self.chats)]
                sent = _send_same_turn(transaction, visitor_id, session_id, BODY, uuid.uuid4().hex)
                assert sent is not None, "the chat should take the common case"
            self.turn += 1

    def checkpoint(self) -> None:
        self.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class RelayWrite:
    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("PRAGMA wal_autocheckpoint=0")
        self.connection.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, room TEXT NOT NULL, "
                                "body TEXT NOT NULL, created_at REAL NOT NULL)")
        self.wal = Path(f"{path}-wal")
        self.page_size = int(self.connection.execute("PRAGMA page_size").fetchone()[0])

    def write_batch(self, batch: int) -> None:
        for _ in range(batch):  # the relay commits every message by itself
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute("INSERT INTO messages (room, body, created_at) VALUES (?, ?, ?)",
                                    ("room-1", BODY, time.time()))
            self.connection.execute("COMMIT")

    def checkpoint(self) -> None:
        self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--history", type=int, default=60, help="messages per chat before measuring")
    parser.add_argument("--batches", default="1,3,10", help="messages per transaction, comma-separated")
    parser.add_argument("--rounds", type=int, default=10, help=f"rounds of {ROUND} messages per figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        product = ProductWrite(Path(work) / "product.db", args.chats, args.history)
        relay = RelayWrite(Path(work) / "relay.db")
        print(f"{args.chats} chats holding {args.history} messages each; {args.rounds} x {ROUND} messages per row")
        print("| write | messages per transaction | CPU per message | WAL frames per message |")
        print("| --- | --- | --- | --- |")
        for batch in (int(b) for b in args.batches.split(",")):
            targets: tuple[tuple[str, WriteTarget], ...] = (("product", product), ("bare relay", relay))
            for name, target in targets:
                per_transaction = batch if name == "product" else 1
                cpu_ms, frames = _measure(target, batch, args.rounds)
                print(f"| {name} | {per_transaction} | {cpu_ms:.3f} ms | {frames:.1f} |", flush=True)
        product.database.dispose()


if __name__ == "__main__":
    main()
