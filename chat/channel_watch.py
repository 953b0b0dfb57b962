"""What an open widget needs to know about its channel while nobody chats yet: can someone answer now,
is the channel deleted, and did its settings change (then the widget reads them again).

One watch per process listens to the agents' feed on the bus. Events that can change a channel's
availability (`presence`, `membership_changed`, `channel_changed`, or a bus `resync`) drop the cached
status and wake the sockets that follow the channels concerned; each status is computed from the store
once and shared by every socket of that channel until the next such event, or until the opening hours
next open or close the channel.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from chat.actions.availability import next_opening_change, present_responders, within_opening_hours
from chat.bus import AGENTS_TOPIC, Bus, Unsubscribe
from chat.db import Database
from chat.models import Channel, OpeningHours, utcnow

AVAILABILITY_EVENTS = frozenset({"presence", "membership_changed", "channel_changed"})


@dataclass(frozen=True)
class ChannelStatus:
    channel_id: int
    available: bool
    deleted: bool
    version: str
    until: datetime | None  # the next moment the opening hours change the answer

    def frame(self) -> dict[str, Any]:
        return {"type": "channel", "channel_id": self.channel_id, "available": self.available,
                "deleted": self.deleted, "version": self.version}

    def fresh(self, now: datetime) -> bool:
        return self.until is None or now < self.until


def channel_version(channel: Channel) -> str:
    """Changes whenever an admin saves the channel: widgets compare it to know when to re-read it."""
    return channel.updated_at.isoformat()


class ChannelWatch:
    def __init__(self, database: Database, bus: Bus) -> None:
        self.database = database
        self.bus = bus
        self._lock = threading.Lock()
        self._cache: dict[int, ChannelStatus] = {}
        self._generation = 0
        self._followers: dict[int, set[threading.Event]] = defaultdict(set)
        self._unsubscribe: Unsubscribe | None = None

    def follow(self, channel_id: int) -> threading.Event:
        """An event that is set whenever the channel's status may have changed."""
        wake = threading.Event()
        with self._lock:
            if self._unsubscribe is None:
                self._unsubscribe = self.bus.subscribe(AGENTS_TOPIC, self._on_message)
            self._followers[channel_id].add(wake)
        return wake

    def unfollow(self, channel_id: int, wake: threading.Event) -> None:
        with self._lock:
            followers = self._followers.get(channel_id)
            if followers is not None:
                followers.discard(wake)
                if not followers:
                    del self._followers[channel_id]
                    self._cache.pop(channel_id, None)

    def status(self, channel_id: int, now: datetime | None = None) -> ChannelStatus | None:
        """None when the channel never existed."""
        now = now or utcnow()
        with self._lock:
            cached = self._cache.get(channel_id)
            generation = self._generation
        if cached is not None and cached.fresh(now):
            return cached
        computed = self._compute(channel_id, now)
        with self._lock:
            if computed is not None and generation == self._generation and channel_id in self._followers:
                self._cache[channel_id] = computed
        return computed

    def _compute(self, channel_id: int, now: datetime) -> ChannelStatus | None:
        with self.database.read() as db:
            channel = db.get(Channel, channel_id)
            if channel is None:
                return None
            hours = list(db.scalars(select(OpeningHours).where(OpeningHours.channel_id == channel_id)))
            open_now = within_opening_hours(channel, hours, now)
            available = not channel.is_deleted and open_now and present_responders(db, channel_id) > 0
            return ChannelStatus(channel_id, available, channel.is_deleted, channel_version(channel),
                                 next_opening_change(channel, hours, now))

    def _on_message(self, message: dict[str, Any]) -> None:
        """Runs on the publisher's thread: only bookkeeping here, the followers compute."""
        if message.get("type") == "resync":
            self._invalidate(None)
        elif message.get("type") == "agent_event" and message.get("event") in AVAILABILITY_EVENTS:
            data = message.get("data") or {}
            only = data.get("channel_id") if message["event"] == "channel_changed" else None
            self._invalidate(only if isinstance(only, int) else None)

    def _invalidate(self, channel_id: int | None) -> None:
        with self._lock:
            self._generation += 1
            if channel_id is None:
                self._cache.clear()
                woken = [wake for followers in self._followers.values() for wake in followers]
            else:
                self._cache.pop(channel_id, None)
                woken = list(self._followers.get(channel_id, ()))
        for wake in woken:
            wake.set()

    def close(self) -> None:
        with self._lock:
            unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()
