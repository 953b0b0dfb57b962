"""A visitor's message: the common case in four prebuilt statements, everything else through the ORM.

Most of a chat's traffic is this one write, and the ORM's unit of work costs about three times its SQL
(docs/benchmarks.md). The fast path covers an open chat of this visitor's, in the queue or in progress;
a chat that is not this visitor's, ended (reopen) or closed, malformed text or a retried send takes
`do_send_visitor_message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Row, Table, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from chat.access import access_session_for_visitor
from chat.actions.errors import ActionError
from chat.actions.feed import append_agent_event, session_summary
from chat.actions.messages import check_text, do_send_visitor_message
from chat.bus import session_topic
from chat.db import publish_on_commit
from chat.models import AuthorKind, ChatSession, Message, MessageKind, SessionEvent, SessionStatus, utcnow
from chat.prepared import Prepared

_CHATS = cast(Table, ChatSession.__table__)
_MESSAGES = cast(Table, Message.__table__)
_EVENTS = cast(Table, SessionEvent.__table__)

_LOCK_OWN_CHAT = Prepared(select(_CHATS.c.id).where(
    _CHATS.c.id == bindparam("sid"), _CHATS.c.visitor_id == bindparam("vid")).with_for_update())
_ALREADY_STORED = Prepared(select(_MESSAGES.c.id).where(
    _MESSAGES.c.session_id == bindparam("sid"),
    _MESSAGES.c.author_kind == AuthorKind.VISITOR,
    _MESSAGES.c.client_msg_id == bindparam("cid"),
))


def _next_seq(statuses: tuple[SessionStatus, ...], **values: Any) -> Any:
    """Allocate the next sequence number of a chat the visitor owns; the update also locks the row."""
    return (
        update(_CHATS)
        .where(_CHATS.c.id == bindparam("sid"), _CHATS.c.visitor_id == bindparam("vid"),
               or_(*(_CHATS.c.status == status for status in statuses)))  # not IN: no per-call expansion
        .values(last_seq=_CHATS.c.last_seq + 1, last_activity_at=bindparam("now"), updated_at=bindparam("now"),
                **values)
    )


_SAME_TURN = Prepared(_next_seq((SessionStatus.IN_QUEUE, SessionStatus.CUSTOMER_LAST)).returning(_CHATS.c.last_seq))
_TURN_TO_VISITOR = _next_seq((SessionStatus.AGENT_LAST,), status=SessionStatus.CUSTOMER_LAST).returning(*_CHATS.c)
_INSERT_MESSAGE = Prepared(insert(_MESSAGES).returning(_MESSAGES.c.id), columns=(
    "session_id", "seq", "author_kind", "kind", "body", "client_msg_id", "created_at"))
_INSERT_EVENT = Prepared(insert(_EVENTS), columns=("session_id", "seq", "type", "staff_only", "payload", "created_at"))


@dataclass(frozen=True)
class SentMessage:
    session_id: int
    seq: int
    message_id: int


@dataclass(frozen=True)
class _Text:
    session_id: int
    body: str
    client_msg_id: str
    at: datetime

    def data(self, message_id: int) -> dict[str, Any]:
        """What `feed.message_data` gives for a visitor's text message."""
        return {"message_id": message_id, "author": AuthorKind.VISITOR.value, "kind": MessageKind.TEXT.value,
                "body": self.body, "client_msg_id": self.client_msg_id}

    def frame(self, seq: int, message_id: int) -> dict[str, Any]:
        """What `feed.session_frame` gives for the stored event."""
        return {"type": "event", "session_id": self.session_id, "seq": seq, "event": "message",
                "staff_only": False, "data": self.data(message_id), "at": self.at.isoformat()}


def send_visitor_message(db: Session, visitor_id: int, session_id: int, text: str, client_msg_id: str) -> SentMessage:
    """Idempotent on `client_msg_id`, also when a retry of the same id arrives on another socket meanwhile."""
    try:
        body = check_text(text)
        fast = True
    except ActionError:  # the ORM path says why, after the access check
        body, fast = text, False
    connection = db.connection()
    if fast and connection.dialect.name == "postgresql":  # SQLite transactions are already one at a time
        fast = _LOCK_OWN_CHAT.run(connection, {"sid": session_id, "vid": visitor_id}).fetchone() is not None
    if fast and _ALREADY_STORED.run(connection, {"sid": session_id, "cid": client_msg_id}).fetchone() is None:
        draft = _Text(session_id, body, client_msg_id, utcnow())
        allocated = {"sid": session_id, "vid": visitor_id, "now": draft.at}
        allocated_row = _SAME_TURN.run(connection, allocated).fetchone()
        seq = allocated_row[0] if allocated_row is not None else None
        turned: Row[Any] | None = None
        if seq is None:
            turned = connection.execute(_TURN_TO_VISITOR, allocated).first()
            seq = turned.last_seq if turned is not None else None
        if seq is not None:
            message_id = _store(connection, draft, seq)
            publish_on_commit(db, session_topic(session_id), draft.frame(seq, message_id))
            if turned is not None:
                summary = session_summary(ChatSession(**turned._asdict()))
                append_agent_event(db, "session_activity", summary, channel_id=turned.channel_id)
            return SentMessage(session_id, seq, message_id)
    chat = access_session_for_visitor(db, visitor_id, session_id, for_update=True)
    message = do_send_visitor_message(db, chat, text, client_msg_id)
    return SentMessage(chat.id, message.seq, message.id)


def _store(connection: Connection, draft: _Text, seq: int) -> int:
    message_id = _INSERT_MESSAGE.run(connection, {
        "session_id": draft.session_id, "seq": seq, "author_kind": AuthorKind.VISITOR, "kind": MessageKind.TEXT,
        "body": draft.body, "client_msg_id": draft.client_msg_id, "created_at": draft.at,
    }).fetchone()[0]
    _INSERT_EVENT.run(connection, {
        "session_id": draft.session_id, "seq": seq, "type": "message", "staff_only": False,
        "payload": draft.data(message_id), "created_at": draft.at,
    })
    return int(message_id)
