"""`/ws/visitor/channels/<channel_id>`: an open widget follows its channel before and between chats.

The server sends a `channel` frame at once, and again whenever the answer changes (an agent becomes
Present or Away, the admin edits the channel or its opening hours, the hours open or close it, the
channel is deleted or restored). A client may send only `ping`. No token is needed: what the frames
say is what `GET /api/v1/visitor/channels/<channel_id>` tells anyone.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from typing import Any

from flask import current_app
from pydantic import TypeAdapter, ValidationError

from chat.channel_watch import ChannelStatus, ChannelWatch
from chat.connection import Socket
from chat.models import utcnow
from chat.protocol import MAX_FRAME_BYTES, Ping
from chat.services import Services

log = logging.getLogger(__name__)
WATCH_KEY = "chat_channel_watch"
_PING = TypeAdapter(Ping)
_watch_lock = threading.Lock()


def channel_watch(services: Services) -> ChannelWatch:
    """The app's one watch, made when the first widget follows a channel."""
    with _watch_lock:
        watch: ChannelWatch | None = current_app.extensions.get(WATCH_KEY)
        if watch is None:
            watch = current_app.extensions[WATCH_KEY] = ChannelWatch(services.db, services.bus)
        return watch


def _frame_id(raw: str | bytes) -> str | None:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    frame_id = value.get("id") if isinstance(value, dict) else None
    return frame_id[:64] if isinstance(frame_id, str) else None


def _answer(raw: str | bytes) -> dict[str, Any]:
    if len(raw) > MAX_FRAME_BYTES:
        return {"type": "error", "code": "too_large", "message": f"A frame holds at most {MAX_FRAME_BYTES} bytes.",
                "id": None}
    try:
        frame = _PING.validate_json(raw)
    except ValidationError:
        message = "This socket only follows the channel; the one frame it takes is ping."
        return {"type": "error", "code": "invalid_frame", "message": message, "id": _frame_id(raw)}
    return {"type": "ack", "id": frame.id, "pong": True}


def _receive(ws: Socket, replies: queue.SimpleQueue[dict[str, Any]], wake: threading.Event,
             closed: threading.Event) -> None:
    try:
        while (raw := ws.receive()) is not None:
            replies.put(_answer(raw))
            wake.set()
    except Exception as error:  # noqa: BLE001 - a closed socket ends the loop, whatever the cause
        log.debug("channel socket closed: %r", error)
    finally:
        closed.set()
        wake.set()


def serve_channel(ws: Socket, services: Services, channel_id: int) -> None:
    watch = channel_watch(services)
    if watch.status(channel_id) is None:
        ws.send(json.dumps({"type": "error", "code": "not_found", "message": f"Channel {channel_id} does not exist.",
                            "id": None}))
        ws.close(reason=1008, message="no such channel")
        return
    heartbeat = services.config.heartbeat_seconds
    wake = watch.follow(channel_id)
    replies: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
    closed = threading.Event()
    threading.Thread(target=_receive, args=(ws, replies, wake, closed), name="ws-channel", daemon=True).start()
    sent: dict[str, Any] | None = None
    try:
        while not closed.is_set():
            wake.clear()
            status = watch.status(channel_id) or ChannelStatus(channel_id, False, True, "", None)
            if status.frame() != sent:
                sent = status.frame()
                ws.send(json.dumps(sent))
            while not replies.empty():
                ws.send(json.dumps(replies.get()))
            timeout = heartbeat
            if status.until is not None:
                timeout = min(timeout, max(0.05, (status.until - utcnow()).total_seconds() + 0.05))
            wake.wait(timeout)
    except Exception as error:  # noqa: BLE001 - the peer went away while we were sending
        log.debug("channel socket send failed: %r", error)
    finally:
        watch.unfollow(channel_id, wake)
        closed.set()
