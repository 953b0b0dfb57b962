"""The event bus: how committed events reach the sockets that care about them.

Topics are strings (`session.<id>`, `agents`). Nothing outside this module may assume that
every socket lives in this process: a Redis implementation of `Bus` fans out across processes.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

Handler = Callable[[dict[str, Any]], None]
Unsubscribe = Callable[[], None]

AGENTS_TOPIC = "agents"


def session_topic(session_id: int) -> str:
    return f"session.{session_id}"


class Bus(Protocol):
    name: str

    def publish(self, topic: str, message: dict[str, Any]) -> None: ...

    def subscribe(self, topic: str, handler: Handler) -> Unsubscribe: ...

    def healthy(self) -> bool: ...

    def close(self) -> None: ...


class HandlerRegistry:
    """This process's subscribers per topic; both buses deliver through one of these."""

    def __init__(self) -> None:
        self._handlers: dict[str, set[Handler]] = defaultdict(set)
        self._lock = threading.Lock()

    def add(self, topic: str, handler: Handler) -> Unsubscribe:
        with self._lock:
            self._handlers[topic].add(handler)

        def unsubscribe() -> None:
            with self._lock:
                self._handlers[topic].discard(handler)
                if not self._handlers[topic]:
                    del self._handlers[topic]

        return unsubscribe

    def for_topic(self, topic: str) -> list[Handler]:
        with self._lock:
            return list(self._handlers.get(topic, ()))

    def everyone(self) -> set[Handler]:
        with self._lock:
            return {h for handlers in self._handlers.values() for h in handlers}

    def clear(self) -> None:
        with self._lock:
            self._handlers.clear()


class InProcessBus:
    """Delivers to handlers registered in this process, synchronously, in publish order."""

    name = "in-process"

    def __init__(self) -> None:
        self._registry = HandlerRegistry()

    def publish(self, topic: str, message: dict[str, Any]) -> None:
        for handler in self._registry.for_topic(topic):
            handler(message)

    def subscribe(self, topic: str, handler: Handler) -> Unsubscribe:
        return self._registry.add(topic, handler)

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        self._registry.clear()
