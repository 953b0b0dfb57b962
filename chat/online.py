"""Which staff members have a socket open anywhere, so a closed browser or a dead process does not leave
an agent Present for ever. Only users who had a socket are ever switched to Away by this."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Protocol

import redis


class OnlineRegistry(Protocol):
    def connected(self, user_id: int) -> None: ...

    def disconnected(self, user_id: int) -> None: ...

    def keep_alive(self) -> None: ...

    def assume_connected_before(self, user_ids: list[int]) -> None: ...

    def gone(self, present_user_ids: list[int]) -> list[int]: ...


class LocalOnline:
    """One process holds every socket: counting them here is the whole truth."""

    def __init__(self, grace_seconds: float) -> None:
        self.grace = grace_seconds
        self._sockets: Counter[int] = Counter()
        self._left_at: dict[int, float] = {}
        self._lock = threading.Lock()

    def assume_connected_before(self, user_ids: list[int]) -> None:
        """After a restart, Present users get the grace period to come back before they turn Away."""
        now = time.monotonic()
        with self._lock:
            for user_id in user_ids:
                self._left_at.setdefault(user_id, now)

    def connected(self, user_id: int) -> None:
        with self._lock:
            self._sockets[user_id] += 1
            self._left_at.pop(user_id, None)

    def disconnected(self, user_id: int) -> None:
        with self._lock:
            self._sockets[user_id] -= 1
            if self._sockets[user_id] <= 0:
                del self._sockets[user_id]
                self._left_at[user_id] = time.monotonic()

    def keep_alive(self) -> None:
        return None

    def users_with_sockets(self) -> list[int]:
        with self._lock:
            return list(self._sockets)

    def gone(self, present_user_ids: list[int]) -> list[int]:
        now = time.monotonic()
        with self._lock:
            gone = [u for u in present_user_ids
                    if u not in self._sockets and u in self._left_at and now - self._left_at[u] >= self.grace]
            for user_id in gone:
                self._left_at.pop(user_id, None)
        return gone


class RedisOnline:
    """Each process keeps a short-lived key per connected user; a user with no key left anywhere is gone."""

    def __init__(self, url: str, namespace: str, process_id: str, grace_seconds: float) -> None:
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        self._prefix = f"chat:{namespace}:online:"
        self._process = f"p-{process_id}"
        self.grace = grace_seconds
        self._local = LocalOnline(grace_seconds)
        self._absent_since: dict[int, float] = {}

    def _key(self, user_id: int) -> str:
        return f"{self._prefix}{user_id}:{self._process}"

    def assume_connected_before(self, user_ids: list[int]) -> None:
        for user_id in user_ids:
            self._redis.set(f"{self._prefix}{user_id}:seen", "1", nx=True)

    def connected(self, user_id: int) -> None:
        self._local.connected(user_id)
        with self._redis.pipeline() as pipe:
            pipe.set(self._key(user_id), "1", ex=max(1, round(self.grace)))
            pipe.set(f"{self._prefix}{user_id}:seen", "1")
            pipe.execute()

    def disconnected(self, user_id: int) -> None:
        self._local.disconnected(user_id)
        if user_id not in self._local.users_with_sockets():
            self._redis.delete(self._key(user_id))

    def keep_alive(self) -> None:
        with self._redis.pipeline() as pipe:
            for user_id in self._local.users_with_sockets():
                pipe.set(self._key(user_id), "1", ex=max(1, round(self.grace)))
            pipe.execute()

    def gone(self, present_user_ids: list[int]) -> list[int]:
        """One pass over the process keys and one pipelined round trip, however many agents are Present."""
        now = time.monotonic()
        online = self._online_anywhere()
        for user_id in online:
            self._absent_since.pop(user_id, None)
        candidates = [u for u in present_user_ids if u not in online]
        with self._redis.pipeline(transaction=False) as pipe:
            for user_id in candidates:
                pipe.exists(f"{self._prefix}{user_id}:seen")
            seen = pipe.execute()
        gone = []
        for user_id, was_seen in zip(candidates, seen, strict=True):
            if not was_seen:
                continue
            since = self._absent_since.setdefault(user_id, now)
            if now - since >= self.grace:
                gone.append(user_id)
                self._absent_since.pop(user_id, None)
        if gone:
            self._redis.delete(*(f"{self._prefix}{user_id}:seen" for user_id in gone))
        return gone

    def _online_anywhere(self) -> set[int]:
        """Users with a socket on some process: those with a live `<user>:p-<process>` key."""
        users = set()
        for key in self._redis.scan_iter(match=f"{self._prefix}*:p-*", count=1000):
            users.add(int(key.decode()[len(self._prefix):].split(":", 1)[0]))
        return users
