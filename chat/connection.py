"""One WebSocket connection: a receive loop, one sender at a time, and gap-free subscriptions.

Ordering rule: a subscription registers its bus handler *before* it queues its replay command,
and the sender performs the replay when it reaches that command. Live events queued
before the command were committed before the replay read, so the sender may drop them; events
after it are compared with the last sequence sent, so nothing is lost and nothing repeats.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy.orm import Session

from chat.actions.errors import ActionError
from chat.bus import AGENTS_TOPIC, Unsubscribe, session_topic
from chat.protocol import MAX_FRAME_BYTES
from chat.replay import agent_cursor, agent_event_visible, agent_events_after, session_events_after
from chat.services import Services
from chat.spawn import start_soon
from chat.ws_transport import read_inline, send_texts

log = logging.getLogger(__name__)


class Socket(Protocol):
    def send(self, data: str) -> None: ...

    def receive(self, timeout: float | None = None) -> str | bytes | None: ...

    def close(self, reason: int | None = None, message: str | None = None) -> None: ...


@dataclass
class _SubscribeCommand:
    session_id: int
    after_seq: int


@dataclass
class _FeedCommand:
    cursor: int | None
    snapshot: Callable[[Session], dict[str, Any]]


_STOP = object()
# Events after which a staff member's right to read the chat may have changed.
ACCESS_CHANGING_EVENTS = frozenset(
    {"assigned", "status", "transfer_accepted", "transfer_rejected", "transfer_cancelled"}
)


class Connection:
    """`dispatch(frame_text)` returns an ack payload or raises ActionError; runs in the receive loop."""

    def __init__(self, ws: Socket, services: Services, *, staff: bool, user_id: int | None = None,
                 compressed: bool = False) -> None:
        """`compressed`: the socket negotiated permessage-deflate, so its frames are built by wsproto."""
        self.ws = ws
        self.compressed = compressed
        self.services = services
        self.staff = staff
        self.user_id = user_id
        self.agent_channel_ids: set[int] = set()
        self._outbox: deque[Any] = deque()
        self._outbox_lock = threading.Lock()
        self._sending = False
        self._subscriptions: dict[int, Unsubscribe] = {}
        self._subscriptions_lock = threading.Lock()
        self.may_read: Callable[[int], bool] | None = None
        self._feed_unsubscribe: Unsubscribe | None = None
        self._sent_seq: dict[int, int] = {}
        self._sent_cursor: int | None = None
        self.on_close: list[Callable[[], None]] = []

    # --- receive side -------------------------------------------------------------------------
    def run(self, dispatch: Callable[[str | bytes], dict[str, Any] | None]) -> None:
        """Handle frames in order until the socket closes; dead peers are found by the WebSocket pings."""
        try:
            read_inline(self.ws, lambda raw: self._handle(raw, dispatch))
        except Exception as error:  # noqa: BLE001 - a closed socket ends the loop, whatever the cause
            log.debug("socket closed: %r", error)
        finally:
            self._close()

    def _handle(self, raw: str | bytes, dispatch: Callable[[str | bytes], dict[str, Any] | None]) -> None:
        """`dispatch` returns the frame's ack (see `ack`) or None; errors name the frame's id when it has one."""
        if len(raw) * 4 > MAX_FRAME_BYTES and _size(raw) > MAX_FRAME_BYTES:  # UTF-8: at most 4 bytes a character
            self.error("too_large", f"A frame holds at most {MAX_FRAME_BYTES} bytes.", _frame_id(raw))
            return
        try:
            reply = dispatch(raw)
        except ValidationError as error:
            self.error("invalid_frame", _describe(error), _frame_id(raw))
        except ActionError as error:
            self.error(error.code, error.message, _frame_id(raw))
        except Exception:
            log.exception("frame failed")
            self.error("internal", "Something went wrong on our side; nothing was changed.", _frame_id(raw))
        else:
            if reply is not None:
                self.send_frame(reply)

    def send_frame(self, frame: dict[str, Any]) -> None:
        self._enqueue(frame)

    def error(self, code: str, message: str, frame_id: str | None) -> None:
        self.send_frame({"type": "error", "code": code, "message": message, "id": frame_id})

    def subscribe(self, session_id: int, after_seq: int) -> None:
        with self._subscriptions_lock:
            if session_id not in self._subscriptions:
                self._subscriptions[session_id] = self.services.bus.subscribe(
                    session_topic(session_id), self._enqueue
                )
        self._enqueue(_SubscribeCommand(session_id, after_seq))

    def unsubscribe(self, session_id: int) -> bool:
        with self._subscriptions_lock:
            unsubscribe = self._subscriptions.pop(session_id, None)
        if unsubscribe is not None:
            unsubscribe()
        self._enqueue(_SubscribeCommand(session_id, -1))
        return unsubscribe is not None

    def follow_agent_feed(self, cursor: int | None, snapshot: Callable[[Session], dict[str, Any]]) -> None:
        if self._feed_unsubscribe is None:
            self._feed_unsubscribe = self.services.bus.subscribe(AGENTS_TOPIC, self._enqueue)
        self._enqueue(_FeedCommand(cursor, snapshot))

    def _close(self) -> None:
        with self._subscriptions_lock:
            for unsubscribe in self._subscriptions.values():
                unsubscribe()
            self._subscriptions.clear()
        if self._feed_unsubscribe is not None:
            self._feed_unsubscribe()
        for callback in self.on_close:
            callback()
        self._enqueue(_STOP)

    # --- send side: one sender at a time, started when the outbox gets work and gone when it is empty -----
    def _enqueue(self, item: Any) -> None:
        """An idle socket holds no sender: thousands of open widgets cost no thread or greenlet each."""
        with self._outbox_lock:
            self._outbox.append(item)
            if self._sending:
                return
            self._sending = True
        start_soon(self._send_all)

    def _send_all(self) -> None:
        time.sleep(0)  # let the loop turn once: the frames of this turn (an event and its ack) go in one write
        while True:
            with self._outbox_lock:
                if not self._outbox:
                    self._sending = False
                    return
                items = list(self._outbox)
                self._outbox.clear()
            stopped = _STOP in items  # the sender then stays marked busy, so no new one starts after the close
            if stopped:
                items = items[:items.index(_STOP)]
            try:
                texts = [_encoded(frame, shared=frame is item and frame["type"] in LIVE_FRAME_TYPES)
                         for item in items for frame in self._frames_for(item)]
                if texts:
                    send_texts(self.ws, texts, compressed=self.compressed)
            except Exception as error:  # noqa: BLE001 - the receive loop notices the dead socket
                log.debug("send failed: %r", error)
                self._stop_sending()
                return
            if stopped:
                return

    def _stop_sending(self) -> None:
        with self._outbox_lock:
            self._outbox.clear()
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001
            log.debug("close after failed send also failed")

    def _frames_for(self, item: Any) -> list[dict[str, Any]]:
        if isinstance(item, _SubscribeCommand):
            return self._replay_session(item)
        if isinstance(item, _FeedCommand):
            return self._replay_feed(item)
        kind = item.get("type")
        if kind == "resync":
            return self._resync()
        if kind in ("event", "signal"):
            return self._live_session_frame(item)
        if kind == "agent_event":
            return self._live_agent_frame(item)
        return [item]

    def _replay_session(self, command: _SubscribeCommand) -> list[dict[str, Any]]:
        if command.after_seq < 0:
            self._sent_seq.pop(command.session_id, None)
            return []
        with self.services.db.read() as db:
            frames = session_events_after(db, command.session_id, command.after_seq, staff=self.staff)
        last = max([command.after_seq, *(f["seq"] for f in frames)])
        self._sent_seq[command.session_id] = last
        return [*frames, {"type": "synced", "session_id": command.session_id, "seq": last}]

    def _live_session_frame(self, frame: dict[str, Any]) -> list[dict[str, Any]]:
        session_id = frame["session_id"]
        sent = self._sent_seq.get(session_id)
        if sent is None or (frame["staff_only"] and not self.staff):
            return []
        if frame["type"] == "signal":
            return [frame]
        if frame["seq"] <= sent:
            return []
        if frame["event"] in ACCESS_CHANGING_EVENTS and self.may_read and not self.may_read(session_id):
            return self._revoke(session_id)
        if frame["seq"] > sent + 1:  # a gap: fill it from the store
            return self._replay_session(_SubscribeCommand(session_id, sent))[:-1]
        self._sent_seq[session_id] = frame["seq"]
        return [frame]

    def _revoke(self, session_id: int) -> list[dict[str, Any]]:
        """The right to read this chat is gone: stop following it and say so."""
        with self._subscriptions_lock:
            unsubscribe = self._subscriptions.pop(session_id, None)
        if unsubscribe is not None:
            unsubscribe()
        self._sent_seq.pop(session_id, None)
        return [{"type": "unsubscribed", "session_id": session_id, "code": "forbidden",
                 "message": "You no longer have the right to read this chat."}]

    def _replay_feed(self, command: _FeedCommand) -> list[dict[str, Any]]:
        assert self.user_id is not None
        with self.services.db.read() as db:
            if command.cursor is None:
                cursor = agent_cursor(db)
                self._sent_cursor = cursor
                return [{"type": "agent_state", "cursor": cursor, "data": command.snapshot(db)}]
            frames = agent_events_after(db, self.user_id, self.agent_channel_ids, command.cursor)
        self._sent_cursor = max([command.cursor, *(f["cursor"] for f in frames)])
        return [*frames, {"type": "synced", "cursor": self._sent_cursor}]

    def _live_agent_frame(self, frame: dict[str, Any]) -> list[dict[str, Any]]:
        """Every agent event passes every staff socket, so a jump in the cursor is a gap to fill."""
        assert self.user_id is not None
        seen = self._sent_cursor
        if seen is None or frame["cursor"] <= seen:
            return []
        if frame["cursor"] > seen + 1:
            with self.services.db.read() as db:
                missed = agent_events_after(db, self.user_id, self.agent_channel_ids, seen)
            self._sent_cursor = max([frame["cursor"], *(f["cursor"] for f in missed)])
            return missed
        self._sent_cursor = frame["cursor"]
        if not agent_event_visible(frame, self.user_id, self.agent_channel_ids):
            return []
        return [frame]

    def _resync(self) -> list[dict[str, Any]]:
        """The bus may have dropped messages: read everything after what was sent from the store."""
        frames: list[dict[str, Any]] = []
        for session_id, sent in list(self._sent_seq.items()):
            frames.extend(self._replay_session(_SubscribeCommand(session_id, sent))[:-1])
        if self._sent_cursor is not None and self.user_id is not None:
            with self.services.db.read() as db:
                missed = agent_events_after(db, self.user_id, self.agent_channel_ids, self._sent_cursor)
            self._sent_cursor = max([self._sent_cursor, *(f["cursor"] for f in missed)])
            frames.extend(missed)
        return frames


LIVE_FRAME_TYPES = frozenset({"event", "signal", "agent_event"})
_SHARED_TEXTS: dict[int, tuple[dict[str, Any], str]] = {}
SHARED_TEXTS_KEPT = 1024


def _encoded(frame: dict[str, Any], *, shared: bool) -> str:
    """A frame from the bus goes to every socket following its chat or feed: it is encoded once."""
    if not shared:
        return json.dumps(frame, separators=(",", ":"))
    kept = _SHARED_TEXTS.get(id(frame))
    if kept is not None and kept[0] is frame:
        return kept[1]
    text = json.dumps(frame, separators=(",", ":"))
    if len(_SHARED_TEXTS) >= SHARED_TEXTS_KEPT:
        _SHARED_TEXTS.clear()
    _SHARED_TEXTS[id(frame)] = (frame, text)
    return text


def ack(frame_id: str | None, payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ack of a handled frame carrying `payload`; None when the frame is not acknowledged."""
    return None if payload is None else {"type": "ack", "id": frame_id} | payload


def _size(raw: str | bytes) -> int:
    return len(raw.encode("utf-8", "surrogatepass")) if isinstance(raw, str) else len(raw)


def _frame_id(raw: str | bytes) -> str | None:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    frame_id = value.get("id") if isinstance(value, dict) else None
    return frame_id[:64] if isinstance(frame_id, str) else None


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "frame"
    return f"{where}: {first['msg']}"[:300]
