"""A scripted WebSocket client (websocket-client) that records every frame it receives."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
import websocket

from tests.factories import make_channel

Frame = dict[str, Any]
_ids = itertools.count(1)


class WsClient:
    def __init__(self, url: str, *, cookie: str | None = None, timeout: float = 10) -> None:
        headers = [f"Cookie: {cookie}"] if cookie else []
        self.ws = websocket.create_connection(url, header=headers, timeout=timeout,
                                              enable_multithread=True)
        self.frames: list[Frame] = []
        self._changed = threading.Condition()
        self.closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            while True:
                raw = self.ws.recv()
                if not raw:
                    break
                with self._changed:
                    self.frames.append(json.loads(raw))
                    self._changed.notify_all()
        except (websocket.WebSocketException, OSError, ValueError):
            pass
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def send(self, frame: Frame) -> None:
        self.ws.send(json.dumps(frame))

    def send_raw(self, data: str) -> None:
        self.ws.send(data)

    def request(self, frame: Frame, timeout: float = 10) -> Frame:
        """Send with a fresh id and wait for its ack or error."""
        frame = {"id": f"req-{next(_ids)}", **frame}
        self.send(frame)
        return self.wait_for(lambda f: f.get("id") == frame["id"] and f["type"] in ("ack", "error"), timeout)

    def wait_for(self, predicate: Callable[[Frame], bool], timeout: float = 10) -> Frame:
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for frame in self.frames[seen:]:
                    if predicate(frame):
                        return frame
                seen = len(self.frames)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed:
                    raise TimeoutError(f"no matching frame; last frames: {self.frames[-5:]}")
                self._changed.wait(remaining)

    def events(self, session_id: int, event: str | None = None) -> list[Frame]:
        with self._changed:
            return [f for f in self.frames if f.get("type") == "event" and f["session_id"] == session_id
                    and (event is None or f["event"] == event)]

    def close(self) -> None:
        """Send a close frame; the reader thread sees the server's reply and ends."""
        try:
            self.ws.send_close()
            self._reader.join(timeout=2)
        except (websocket.WebSocketException, OSError):
            pass
        self.ws.shutdown()

    def drop(self) -> None:
        """Cut the TCP connection without a close handshake, like a network fault."""
        self.ws.shutdown()
        self._reader.join(timeout=2)


def login_cookie(base_url: str, username: str, password: str) -> str:
    response = requests.post(f"{base_url}/login", json={"username": username, "password": password}, timeout=10)
    response.raise_for_status()
    return "; ".join(f"{c.name}={c.value}" for c in response.cookies)


def start_visitor_session(base_url: str, channel_id: int, token: str | None = None, **fields: Any) -> Frame:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.post(f"{base_url}/api/v1/visitor/sessions", json={"channel_id": channel_id, **fields},
                             headers=headers, timeout=10)
    response.raise_for_status()
    body: Frame = response.json()
    return body


def new_visitor_chat(server: Any, name: str = "Vera") -> tuple[str, int]:
    """A channel of its own and a visitor's chat in it, on `server` (a ServerProcess): (token, session id)."""
    database = server.database()
    with database.write() as db:
        channel_id = make_channel(db).id
    database.dispose()
    started = start_visitor_session(server.url, channel_id, name=name, question="Hej")
    return started["token"], started["session"]["session_id"]
