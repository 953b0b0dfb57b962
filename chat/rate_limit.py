"""A token bucket: `rate` actions per second on average, bursts of up to `burst` at once."""

from __future__ import annotations

import time
from collections.abc import Callable

from chat.actions.errors import ActionError


class TokenBucket:
    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()

    def try_take(self) -> bool:
        """Take one token if there is one. A rate of 0 or less means no limit."""
        if self.rate <= 0:
            return True
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def take(self, message: str) -> None:
        if not self.try_take():
            raise ActionError("rate_limited", message)
