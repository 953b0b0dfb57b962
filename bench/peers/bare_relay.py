"""The floor for the product's stack: flask-sock on gevent, each message committed to SQLite, then relayed.

A socket joins one room (`/ws?room=NAME`). Every text message it sends is inserted into SQLite (WAL,
synchronous=NORMAL, one writer at a time, as the product does) in its own transaction, and after the
commit the stored message is sent to every socket of the room, the sender included (its confirmation).
No authentication, validation, sequence numbers or replay: only what any durable relay must do.

    python bench/peers/bare_relay.py --port 8061 --db /tmp/relay.db
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import sqlite3  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_sock import Sock  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402

app = Flask(__name__)
app.config["SOCK_SERVER_OPTIONS"] = {"ping_interval": 20, "max_message_size": 1024 * 1024}
sock = Sock(app)
rooms: dict[str, set[Any]] = defaultdict(set)
writer = threading.Lock()
store: sqlite3.Connection | None = None


def open_store(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, room TEXT NOT NULL, "
                       "body TEXT NOT NULL, created_at REAL NOT NULL)")
    return connection


def commit_message(room: str, body: str) -> int:
    assert store is not None
    with writer:
        store.execute("BEGIN IMMEDIATE")
        cursor = store.execute("INSERT INTO messages (room, body, created_at) VALUES (?, ?, ?)",
                               (room, body, time.time()))
        store.execute("COMMIT")
    return int(cursor.lastrowid or 0)


@sock.route("/ws")
def relay(ws: Any) -> None:
    room = request.args.get("room", "")
    members = rooms[room]
    members.add(ws)
    try:
        while (raw := ws.receive()) is not None:
            text = json.loads(raw)["text"]
            message_id = commit_message(room, text)
            frame = json.dumps({"type": "message", "id": message_id, "room": room, "text": text})
            for member in list(members):
                try:
                    member.send(frame)
                except Exception:  # noqa: BLE001 - a member that went away is dropped from the room
                    members.discard(member)
    finally:
        members.discard(ws)


def main() -> None:
    global store  # noqa: PLW0603 - one store per process, opened once at start
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    store = open_store(args.db)
    WSGIServer((args.host, args.port), app, log=None, backlog=2048).serve_forever()


if __name__ == "__main__":
    main()
