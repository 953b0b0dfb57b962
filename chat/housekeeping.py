"""Background duties of the server: closing chats that went idle, and Away for agents who are gone."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import select

from chat.actions.feed import lock_session
from chat.actions.presence import do_set_presence
from chat.actions.sessions import do_end_session, idle_session_ids
from chat.models import ACTIVE_STATUSES, Presence, User
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


def present_user_ids(services: Services) -> list[int]:
    with services.db.read() as db:
        return list(db.scalars(select(User.id).where(User.presence == Presence.PRESENT)))


def set_gone_agents_away(services: Services) -> list[int]:
    """Present agents without a socket anywhere for the grace period become Away (everyone is told)."""
    gone = services.online.gone(present_user_ids(services))
    for user_id in gone:
        with services.db.write() as db:
            user = db.scalars(select(User).where(User.id == user_id).with_for_update()).first()
            if user is not None:
                do_set_presence(db, user, Presence.AWAY)
    return gone


def _every(seconds: float, stop: threading.Event, duty: Callable[[], object], name: str) -> threading.Thread:
    def loop() -> None:
        while not stop.wait(seconds):
            try:
                duty()
            except Exception:
                log.exception("%s failed; retrying at the next round", name)

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return thread


def start_housekeeping(services: Services, stop: threading.Event) -> None:
    services.online.assume_connected_before(present_user_ids(services))
    _every(SWEEP_SECONDS, stop, lambda: close_idle_chats(services), "idle sweep")
    grace = services.config.presence_grace_seconds

    def presence_round() -> None:
        services.online.keep_alive()
        set_gone_agents_away(services)

    _every(max(0.5, grace / 6), stop, presence_round, "presence sweep")  # six refreshes per key lifetime
