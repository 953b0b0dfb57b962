"""A scripted chat participant that survives dropped sockets and server restarts.

It behaves as a careful client must: it remembers the last sequence number it saw, resubscribes
from there after every reconnect, and resends unacknowledged messages with their original ids.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websocket

WINDOW = 8
ACK_PATIENCE_SECONDS = 3.0


@dataclass
class Chatter:
    connect: Callable[[], websocket.WebSocket]
    session_id: int
    prefix: str
    count: int
    seqs_seen: list[int] = field(default_factory=list)
    bodies_seen: list[str] = field(default_factory=list)
    reconnects: int = 0
    acked: set[str] = field(default_factory=set)
    error: BaseException | None = None
    _ws: websocket.WebSocket | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _peer_done: Callable[[], bool] = lambda: True

    @property
    def last_seq(self) -> int:
        return self.seqs_seen[-1] if self.seqs_seen else 0

    def drop(self) -> None:
        """Called from the chaos thread: cut the TCP connection without a goodbye."""
        with self._lock:
            ws = self._ws
        if ws is not None:
            with contextlib.suppress(OSError):
                ws.shutdown()

    def run(self, expected_total: int, deadline: float) -> None:
        try:
            self._run(expected_total, deadline)
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            self.error = error

    def _run(self, expected_total: int, deadline: float) -> None:
        next_index = 0
        in_flight: dict[str, float] = {}
        while len(self.acked) < self.count or len(self.bodies_seen) < expected_total:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.prefix}: acked {len(self.acked)}, saw {len(self.bodies_seen)}")
            ws = self._ensure_connected(in_flight)
            if ws is None:
                continue
            try:
                while next_index < self.count and len(in_flight) < WINDOW:
                    client_id = f"{self.prefix}-{next_index}"
                    self._send(ws, client_id)
                    in_flight[client_id] = time.monotonic()
                    next_index += 1
                for client_id, sent_at in list(in_flight.items()):
                    if time.monotonic() - sent_at > ACK_PATIENCE_SECONDS:
                        self._send(ws, client_id)
                        in_flight[client_id] = time.monotonic()
                self._receive(ws, in_flight)
            except (websocket.WebSocketException, OSError):
                self._forget(ws)

    def _ensure_connected(self, in_flight: dict[str, float]) -> websocket.WebSocket | None:
        with self._lock:
            ws = self._ws
        if ws is not None:
            return ws
        try:
            ws = self.connect()
            ws.send(json.dumps({"type": "subscribe", "session_id": self.session_id, "last_seq": self.last_seq}))
            for client_id in in_flight:
                self._send(ws, client_id)
                in_flight[client_id] = time.monotonic()
        except (websocket.WebSocketException, OSError):
            time.sleep(0.1)
            return None
        with self._lock:
            self._ws = ws
        self.reconnects += 1
        return ws

    def _forget(self, ws: websocket.WebSocket) -> None:
        with self._lock:
            self._ws = None
        with contextlib.suppress(OSError):
            ws.shutdown()

    def _send(self, ws: websocket.WebSocket, client_id: str) -> None:
        ws.send(json.dumps({"type": "send", "id": client_id, "session_id": self.session_id, "text": client_id}))

    def _receive(self, ws: websocket.WebSocket, in_flight: dict[str, float]) -> None:
        ws.settimeout(0.05)
        try:
            raw = ws.recv()
        except websocket.WebSocketTimeoutException:
            return
        if not raw:
            raise websocket.WebSocketConnectionClosedException("closed")
        frame: dict[str, Any] = json.loads(raw)
        if frame["type"] == "ack" and frame.get("id") in in_flight:
            self.acked.add(frame["id"])
            del in_flight[frame["id"]]
        elif frame["type"] == "error":
            raise AssertionError(f"{self.prefix} got an error frame: {frame}")
        elif frame["type"] == "event":
            self.seqs_seen.append(frame["seq"])
            if frame["event"] == "message":
                self.bodies_seen.append(frame["data"]["body"])
