"""The visitor's WebSocket frames: each one parsed, access-checked and handed to one action."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from chat.access import access_session_for_visitor
from chat.actions.messages import do_mark_read, publish_signal
from chat.actions.sessions import do_end_session, do_rate
from chat.actions.visitor_send import send_visitor_message
from chat.connection import Connection, ack
from chat.models import AuthorKind, ChatSession
from chat.protocol import (
    Draft,
    End,
    Ping,
    Rate,
    Read,
    Send,
    Subscribe,
    Typing,
    Unsubscribe,
    visitor_frames,
)
from chat.rate_limit import TokenBucket

SEND_BURST = 10


class VisitorSocket:
    def __init__(self, connection: Connection, visitor_id: int) -> None:
        self.connection = connection
        self.services = connection.services
        self.visitor_id = visitor_id
        self.sends = TokenBucket(self.services.config.visitor_messages_per_second, SEND_BURST)

    def dispatch(self, raw: str | bytes) -> dict[str, Any] | None:
        frame = visitor_frames.validate_json(raw)
        handler: Callable[[Any], dict[str, Any] | None] = getattr(self, f"_on_{frame.type}")
        return ack(frame.id, handler(frame))

    def _read_access(self, session_id: int) -> ChatSession:
        with self.services.db.read() as db:
            return access_session_for_visitor(db, self.visitor_id, session_id)

    @contextmanager
    def _write(self, session_id: int) -> Iterator[tuple[Session, ChatSession]]:
        with self.services.db.write() as db:
            yield db, access_session_for_visitor(db, self.visitor_id, session_id, for_update=True)

    def _on_ping(self, _frame: Ping) -> dict[str, Any]:
        return {"pong": True}

    def _on_subscribe(self, frame: Subscribe) -> None:
        self._read_access(frame.session_id)
        self.connection.subscribe(frame.session_id, frame.last_seq)

    def _on_unsubscribe(self, frame: Unsubscribe) -> dict[str, Any]:
        self.connection.unsubscribe(frame.session_id)
        return {}

    def _on_send(self, frame: Send) -> dict[str, Any]:
        self.sends.take("You are sending messages too fast; wait a moment and send again.")
        sent = send_visitor_message(self.services.db, self.visitor_id, frame.session_id, frame.text, frame.id)
        return {"session_id": sent.session_id, "seq": sent.seq, "message_id": sent.message_id}

    def _on_typing(self, frame: Typing) -> None:
        chat = self._read_access(frame.session_id)
        data = {"side": "visitor", "active": frame.active}
        publish_signal(self.services.bus, chat, "typing", data, staff_only=False)

    def _on_draft(self, frame: Draft) -> None:
        chat = self._read_access(frame.session_id)
        publish_signal(self.services.bus, chat, "draft", {"text": frame.text}, staff_only=True)

    def _on_read(self, frame: Read) -> dict[str, Any]:
        with self._write(frame.session_id) as (db, chat):
            return {"marked": do_mark_read(db, chat, AuthorKind.VISITOR, frame.up_to_seq)}

    def _on_end(self, frame: End) -> dict[str, Any]:
        with self._write(frame.session_id) as (db, chat):
            do_end_session(db, chat, "visitor")
            return {"status": chat.status.value}

    def _on_rate(self, frame: Rate) -> dict[str, Any]:
        with self._write(frame.session_id) as (db, chat):
            do_rate(db, chat, frame.rating, frame.comment)
            return {}
