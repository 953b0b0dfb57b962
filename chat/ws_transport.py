"""How the product drives simple-websocket: its reader loop in the socket's own request greenlet, and
several frames written at once.

simple-websocket reads each socket in a thread of its own (its `Base._thread`), which wakes the request's
greenlet through an event for every frame. Under gevent that is a second greenlet, with its own Python data
stack, for every open socket: about a fifth of an idle widget's memory (docs/benchmarks.md). flask-sock
lets the app choose the `thread_class` and `event_class` simple-websocket uses, so the reader loop is
handed to the route instead:
`read_inline` runs it in the caller's greenlet and hands each frame to a callback as it arrives;
`read_in_background` starts it as simple-websocket would.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable
from typing import Any

from simple_websocket import ConnectionClosed
from wsproto.events import TextMessage

from chat import ws_heartbeat


class DeferredReader:
    """simple-websocket's `thread_class`: keeps the reader loop for the route to run."""

    def __init__(self, target: Callable[[], None], **_: Any) -> None:
        self.target = target
        self.name = "ws-reader"

    def start(self) -> None:
        """The route runs `target`: see `read_inline` and `read_in_background`."""


class FrameSignal(threading.Event):
    """simple-websocket's `event_class`: set once per arriving frame (and on close); calls `on_set` then."""

    on_set: Callable[[], None] | None = None

    def set(self) -> None:
        super().set()
        if self.on_set is not None:
            self.on_set()


TEXT_FIN = 0x81  # FIN bit + opcode 1 (text)
SERVER_OPTIONS = {"thread_class": DeferredReader, "event_class": FrameSignal}


def read_inline(ws: Any, on_frame: Callable[[str | bytes], None]) -> None:
    """Read `ws` until it closes, calling `on_frame` for each text or binary message, in order."""
    ws_heartbeat.watch(ws)
    signal: FrameSignal = ws.event

    def hand_over() -> None:
        while ws.input_buffer:
            on_frame(ws.input_buffer.pop(0))

    signal.on_set = hand_over
    try:
        ws.thread.target()
    finally:
        signal.on_set = None
        ws.connected = False
        ws.sock.close()


def read_in_background(ws: Any) -> None:
    """The reader as simple-websocket runs it: a thread of its own; `ws.receive()` then works as documented."""
    ws_heartbeat.watch(ws)
    threading.Thread(target=ws.thread.target, name="ws-reader", daemon=True).start()


def finish(ws: Any) -> None:
    """Close the socket of a connection refused before any reading started."""
    ws.connected = False
    ws.thread.target()


def text_frame(text: str) -> bytes:
    """A server's text frame, whole and unmasked (RFC 6455, 5.2), as wsproto frames it without extensions."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        return bytes((TEXT_FIN, size)) + payload
    if size < 65536:
        return struct.pack("!BBH", TEXT_FIN, 126, size) + payload
    return struct.pack("!BBQ", TEXT_FIN, 127, size) + payload


def send_texts(ws: Any, texts: list[str], *, compressed: bool) -> None:
    """Write several text frames with one system call (simple-websocket's `send` makes one per frame).

    Frames are built here unless an extension (permessage-deflate) was negotiated, and the bytes go out in
    one `send`: gevent's `sendall` adds a system call of its own (the buffer size) to every write."""
    if not ws.connected:
        raise ConnectionClosed(ws.close_reason, ws.close_message)
    if compressed:
        data = b"".join(ws.ws.send(TextMessage(data=text)) for text in texts)
    else:
        data = b"".join(text_frame(text) for text in texts)
    sent = ws.sock.send(data)
    if sent < len(data):
        ws.sock.sendall(memoryview(data)[sent:])
