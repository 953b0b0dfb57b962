"""The product's per-message write measured on its own: the ORM path against prebuilt Core statements.

Runs in the bench process against the server's own database (the server is idle meanwhile) and writes
into one seeded chat. `orm` is what `VisitorSocket._on_send` does today: `access_session_for_visitor(...,
for_update=True)` + `do_send_visitor_message` in one `Database.write()`. `core` writes the same rows
(message, session event, the chat's `last_seq` and `last_activity_at`) with three statements built once with
`bindparam()`: UPDATE ... RETURNING allocates the sequence number, INSERT ... RETURNING gives the message id.
It is a measurement of the change docs/benchmarks.md recommends, not a second implementation: it skips the
rare paths (reopen, duplicate id, turn change) that the product handles.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import count
from typing import cast

from sqlalchemy import Table, bindparam, insert, update

from chat.access import access_session_for_visitor
from chat.actions.messages import do_send_visitor_message
from chat.bus import InProcessBus, session_topic
from chat.db import Database, publish_on_commit
from chat.models import AuthorKind, ChatSession, Message, MessageKind, SessionEvent, SessionStatus, utcnow

SENDS = 300
_CHATS = cast(Table, ChatSession.__table__)
_MESSAGES = cast(Table, Message.__table__)
_ALLOCATE_SEQ = (
    update(_CHATS)
    .where(_CHATS.c.id == bindparam("sid"), _CHATS.c.visitor_id == bindparam("vid"),
           _CHATS.c.status.in_([SessionStatus.IN_QUEUE.value, SessionStatus.CUSTOMER_LAST.value]))
    .values(last_seq=_CHATS.c.last_seq + 1, last_activity_at=bindparam("now"), updated_at=bindparam("now"))
    .returning(_CHATS.c.last_seq)
)
_INSERT_MESSAGE = insert(_MESSAGES).returning(_MESSAGES.c.id)
_INSERT_EVENT = insert(cast(Table, SessionEvent.__table__))


def _cpu_ms_per_call(send: Callable[[str], None], calls: int) -> float:
    for i in range(20):
        send(f"warm-{i}")
    started = time.process_time()
    for i in range(calls):
        send(str(i))
    return (time.process_time() - started) / calls * 1000


def measure(database_url: str, session_id: int, visitor_id: int, calls: int = SENDS) -> dict[str, float]:
    database = Database(database_url, InProcessBus())
    run = next(_runs)

    def orm(tag: str) -> None:
        with database.write() as db:
            chat = access_session_for_visitor(db, visitor_id, session_id, for_update=True)
            do_send_visitor_message(db, chat, "hello", f"orm-{run}-{tag}")

    def core(tag: str) -> None:
        now = utcnow()
        client_id = f"core-{run}-{tag}"
        with database.write() as db:
            connection = db.connection()
            seq = connection.execute(_ALLOCATE_SEQ, {"sid": session_id, "vid": visitor_id, "now": now}).scalar_one()
            message_id = connection.execute(_INSERT_MESSAGE, {
                "session_id": session_id, "seq": seq, "author_kind": AuthorKind.VISITOR, "kind": MessageKind.TEXT,
                "body": "hello", "client_msg_id": client_id, "created_at": now}).scalar_one()
            data = {"message_id": message_id, "author": "visitor", "kind": "text", "body": "hello",
                    "client_msg_id": client_id}
            connection.execute(_INSERT_EVENT, {"session_id": session_id, "seq": seq, "type": "message",
                                               "staff_only": False, "payload": data, "created_at": now})
            publish_on_commit(db, session_topic(session_id), {
                "type": "event", "session_id": session_id, "seq": seq, "event": "message", "staff_only": False,
                "data": data, "at": now.isoformat()})

    try:
        figures = {"orm_ms": _cpu_ms_per_call(orm, calls), "core_ms": _cpu_ms_per_call(core, calls)}
        figures["orm_again_ms"] = _cpu_ms_per_call(orm, calls)  # the machine is noisy: bracket the Core run
        return figures
    finally:
        database.dispose()


_runs = count(1)
