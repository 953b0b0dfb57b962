"""A visitor's message: the common case in two prebuilt statements, everything else through the ORM.

Most of a chat's traffic is this one write, and the ORM's session and unit of work cost several times its
SQL (docs/benchmarks.md). The common case, an open chat of this visitor's where the visitor already has
the turn (in the queue, or after its own last message), runs as prepared statements in a driver
transaction shared with the other sends queued meanwhile (`Database.write_together`). Everything else
takes `do_send_visitor_message` in a transaction of its own: a chat that is not this visitor's, the turn
passing from the agent to the visitor, an ended (reopen) or closed chat, malformed text, a retried send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, column, insert, or_, select, table, update

from chat.access import access_session_for_visitor
from chat.actions.errors import ActionError
from chat.actions.messages import check_text, do_send_visitor_message
from chat.bus import session_topic
from chat.db import Database
from chat.models import AuthorKind, ChatSession, Message, MessageKind, SessionStatus, utcnow
from chat.prepared import DriverTransaction, Prepared

_CHATS = cast(Table, ChatSession.__table__)
_MESSAGES = cast(Table, Message.__table__)
# the chat's row without the model's `onupdate`: a message in the same turn leaves `updated_at`, the
# warehouse's watermark, alone (it loads finished chats, and ending a chat moves the watermark)
_CHAT_ROW = table("chat_sessions", *(column(c.name, c.type) for c in (
    _CHATS.c.id, _CHATS.c.visitor_id, _CHATS.c.status, _CHATS.c.last_seq, _CHATS.c.last_activity_at)))

_LOCK_OWN_CHAT = Prepared(select(_CHATS.c.id).where(
    _CHATS.c.id == bindparam("sid"), _CHATS.c.visitor_id == bindparam("vid")).with_for_update())
_ALREADY_STORED = select(_MESSAGES.c.id).where(
    _MESSAGES.c.session_id == bindparam("sid"),
    _MESSAGES.c.author_kind == AuthorKind.VISITOR,
    _MESSAGES.c.client_msg_id == bindparam("cid"),
).exists()
_SAME_TURN = Prepared(
    update(_CHAT_ROW)
    .where(_CHAT_ROW.c.id == bindparam("sid"), _CHAT_ROW.c.visitor_id == bindparam("vid"),
           or_(_CHAT_ROW.c.status == SessionStatus.IN_QUEUE, _CHAT_ROW.c.status == SessionStatus.CUSTOMER_LAST),
           ~_ALREADY_STORED)
    .values(last_seq=_CHAT_ROW.c.last_seq + 1, last_activity_at=bindparam("now"))
    .returning(_CHAT_ROW.c.last_seq)
)  # allocates the sequence number and locks the row, if the chat is the visitor's and the id is new
_INSERT_MESSAGE = Prepared(insert(_MESSAGES).returning(_MESSAGES.c.id), columns=(
    "session_id", "seq", "author_kind", "kind", "body", "client_msg_id", "staff_only", "created_at"))


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
        """What `feed.message_frame` gives for the stored message."""
        return {"type": "event", "session_id": self.session_id, "seq": seq, "event": "message",
                "staff_only": False, "data": self.data(message_id), "at": self.at.isoformat()}


def send_visitor_message(database: Database, visitor_id: int, session_id: int, text: str,
                         client_msg_id: str) -> SentMessage:
    """Idempotent on `client_msg_id`, also when a retry of the same id arrives on another socket meanwhile."""
    try:
        body = check_text(text)
    except ActionError:  # the ORM path says why, after the access check
        body = None
    if body is not None:
        sent = database.write_together(
            lambda transaction: _send_same_turn(transaction, visitor_id, session_id, body, client_msg_id))
        if sent is not None:
            return sent
    with database.write() as db:
        chat = access_session_for_visitor(db, visitor_id, session_id, for_update=True)
        message = do_send_visitor_message(db, chat, text, client_msg_id)
        return SentMessage(chat.id, message.seq, message.id)


def _send_same_turn(transaction: DriverTransaction, visitor_id: int, session_id: int, body: str,
                    client_msg_id: str) -> SentMessage | None:
    """The common case, or None having written nothing."""
    postgresql = transaction.dialect.name == "postgresql"  # SQLite transactions are already one at a time
    if postgresql and transaction.run(_LOCK_OWN_CHAT, {"sid": session_id, "vid": visitor_id}).fetchone() is None:
        return None
    draft = _Text(session_id, body, client_msg_id, utcnow())
    allocated = transaction.run(
        _SAME_TURN, {"sid": session_id, "vid": visitor_id, "cid": client_msg_id, "now": draft.at}).fetchone()
    if allocated is None:
        return None
    seq = allocated[0]
    message_id = transaction.run(_INSERT_MESSAGE, {
        "session_id": session_id, "seq": seq, "author_kind": AuthorKind.VISITOR, "kind": MessageKind.TEXT,
        "body": body, "client_msg_id": client_msg_id, "staff_only": False, "created_at": draft.at,
    }).fetchone()[0]
    transaction.publish_on_commit(session_topic(session_id), draft.frame(seq, message_id))
    return SentMessage(session_id, seq, int(message_id))
