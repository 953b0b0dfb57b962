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


class InProcessBus:
    """Delivers to handlers registered in this process, synchronously, in publish order."""

    name = "in-process"

    def __init__(self) -> None:
        self._handlers: dict[str, set[Handler]] = defaultdict(set)
        self._lock = threading.Lock()

    def publish(self, topic: str, message: dict[str, Any]) -> None:
        with self._lock:
            handlers = list(self._handlers.get(topic, ()))
        for handler in handlers:
            handler(message)

    def subscribe(self, topic: str, handler: Handler) -> Unsubscribe:
        with self._lock:
            self._handlers[topic].add(handler)

        def unsubscribe() -> None:
            with self._lock:
                self._handlers[topic].discard(handler)
                if not self._handlers[topic]:
                    del self._handlers[topic]

        return unsubscribe

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        with self._lock:
            self._handlers.clear()
