"""The product's per-message write measured on its own: the ORM action against the prebuilt statements.

Runs in the bench process against the server's own database (the server is idle meanwhile) and writes
into one seeded chat. `orm` is the ORM path, which `send_visitor_message` still takes for the other cases
(a turn change, a retried id, a reopened chat): `access_session_for_visitor(..., for_update=True)` +
`do_send_visitor_message` in one `Database.write()`. `core` is what `VisitorSocket._on_send` does:
`send_visitor_message`, whose common case is four statements built once with `bindparam()`, in a driver
transaction of its own (no other send is queued meanwhile). Both store the same rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import count

from chat.access import access_session_for_visitor
from chat.actions.messages import do_send_visitor_message
from chat.actions.visitor_send import send_visitor_message
from chat.bus import InProcessBus
from chat.db import Database

SENDS = 300


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
        send_visitor_message(database, visitor_id, session_id, "hello", f"core-{run}-{tag}")

    try:
        figures = {"orm_ms": _cpu_ms_per_call(orm, calls), "core_ms": _cpu_ms_per_call(core, calls)}
        figures["orm_again_ms"] = _cpu_ms_per_call(orm, calls)  # the machine is noisy: bracket the Core run
        return figures
    finally:
        database.dispose()


_runs = count(1)
