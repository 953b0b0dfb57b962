"""Background duty of the server: closing chats that went idle."""

from __future__ import annotations

import logging
import threading

from chat.actions.feed import lock_session
from chat.actions.sessions import do_end_session, idle_session_ids
from chat.models import ACTIVE_STATUSES
from chat.services import Services

log = logging.getLogger(__name__)
SWEEP_SECONDS = 30.0


def close_idle_chats(services: Services) -> int:
    with services.db.read() as db:
        candidates = idle_session_ids(db, services.config.idle_minutes)
    closed = 0
    for session_id in candidates:
        with services.db.write() as db:
            chat = lock_session(db, session_id)
            if chat is not None and chat.status in ACTIVE_STATUSES:
                do_end_session(db, chat, "idle")
                closed += 1
    return closed


def start_housekeeping(services: Services, stop: threading.Event) -> threading.Thread:
    def loop() -> None:
        while not stop.wait(SWEEP_SECONDS):
            try:
                close_idle_chats(services)
            except Exception:
                log.exception("idle sweep failed; retrying at the next sweep")

    thread = threading.Thread(target=loop, name="housekeeping", daemon=True)
    thread.start()
    return thread
