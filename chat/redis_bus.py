"""The bus across processes: Redis pub/sub, one pattern subscription per process.

Redis delivers at most once. Whenever this process may have missed messages (its subscription
dropped, or one of its publishes failed), every local subscriber receives `{"type": "resync"}` and
reads what it missed from the store, so clients still see everything exactly once.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from chat.bus import Handler, HandlerRegistry, Unsubscribe

log = logging.getLogger(__name__)
RESYNC_TOPIC = "_resync"
RESYNC: dict[str, Any] = {"type": "resync"}


class RedisBus:
    name = "redis"

    def __init__(self, url: str, namespace: str) -> None:
        self._client = redis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=5,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.02), 3),
        )
        self._prefix = f"chat:{namespace}:"
        self._registry = HandlerRegistry()
        self._connected = threading.Event()
        self._publish_failed = False
        self._stop = threading.Event()
        self._listener = threading.Thread(target=self._listen, name="redis-bus", daemon=True)
        self._listener.start()
        self._connected.wait(timeout=5)

    def publish(self, topic: str, message: dict[str, Any]) -> None:
        try:
            self._client.publish(self._prefix + topic, json.dumps(message, separators=(",", ":")))
        except RedisError as error:
            log.warning("publish to Redis failed (%s); subscribers will resync when it is back", error)
            self._publish_failed = True

    def subscribe(self, topic: str, handler: Handler) -> Unsubscribe:
        return self._registry.add(topic, handler)

    def healthy(self) -> bool:
        return self._connected.is_set()

    def close(self) -> None:
        self._stop.set()
        self._client.close()

    def _listen(self) -> None:
        delay = 0.05
        first = True
        while not self._stop.is_set():
            try:
                pubsub = self._client.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(self._prefix + "*")
                pubsub.get_message(timeout=1)  # the psubscribe confirmation: from here on nothing is missed
                self._connected.set()
                if not first:
                    self._resync_local()
                if self._publish_failed:
                    self._publish_failed = False
                    self.publish(RESYNC_TOPIC, RESYNC)
                first, delay = False, 0.05
                for message in pubsub.listen():
                    self._dispatch(message)
            except (RedisError, OSError, ValueError) as error:
                if self._connected.is_set():
                    log.warning("lost Redis (%s); reconnecting", error)
                self._connected.clear()
                self._stop.wait(delay)
                delay = min(1.0, delay * 2)

    def _dispatch(self, message: dict[str, Any]) -> None:
        if message.get("type") != "pmessage":
            return
        topic = message["channel"].decode()[len(self._prefix):]
        if topic == RESYNC_TOPIC:
            self._resync_local()
            return
        payload = json.loads(message["data"])
        for handler in self._registry.for_topic(topic):
            handler(payload)

    def _resync_local(self) -> None:
        for handler in self._registry.everyone():
            handler(RESYNC)
