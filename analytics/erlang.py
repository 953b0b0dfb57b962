"""Erlang C (the M/M/N queue): how many agents a chat queue needs, and how long visitors wait.

Pure functions. Traffic `A` in erlangs is arrivals per second × average handle time in seconds. The
probability of waiting is computed through the Erlang B recursion, which stays stable for large N.
"""

from __future__ import annotations

import math

MAX_AGENTS = 2_000


def erlang_b(agents: int, traffic: float) -> float:
    """Probability that all `agents` are busy in a loss system (Erlang B)."""
    if agents < 0 or traffic < 0:
        raise ValueError("agents and traffic must not be negative")
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that an arriving visitor has to wait (Erlang C); 1 when the queue is unstable."""
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, handle_seconds: float, target_seconds: float) -> float:
    """Share of visitors answered within `target_seconds`: 1 - C · exp(-(N - A) · t / AHT)."""
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    waiting = erlang_c(agents, traffic)
    return 1.0 - waiting * math.exp(-(agents - traffic) * target_seconds / handle_seconds)


def average_wait(agents: int, traffic: float, handle_seconds: float) -> float:
    """Expected wait over all visitors (ASA): C · AHT / (N - A); infinite when the queue is unstable."""
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * handle_seconds / (agents - traffic)


def traffic(arrivals_per_hour: float, handle_seconds: float) -> float:
    return arrivals_per_hour * handle_seconds / 3600.0


def agents_needed(arrivals_per_hour: float, handle_seconds: float, target_level: float,
                  target_seconds: float) -> int:
    """The fewest agents for which `service_level` reaches `target_level` (0..1); 0 without arrivals."""
    if not 0 < target_level < 1:
        raise ValueError("the target service level is a share between 0 and 1")
    load = traffic(arrivals_per_hour, handle_seconds)
    if load == 0:
        return 0
    for agents in range(max(1, math.floor(load) + 1), MAX_AGENTS + 1):
        if service_level(agents, load, handle_seconds, target_seconds) >= target_level:
            return agents
    raise ValueError("more than MAX_AGENTS agents would be needed")


def queue_wait_estimate(position: int, agents_present: int, handle_seconds: float) -> float | None:
    """Expected wait of the visitor at `position` (1 = next) while every agent is busy.

    In the same M/M/N model agents finish chats at the rate N / AHT, so the visitor at place k waits for
    k completions: k · AHT / N on average, whatever the arrival rate (arrivals queue behind the visitor).
    Averaged over the places waiting visitors find, it gives `average_wait` / `erlang_c`. None when nobody
    is present to answer. The chat service's live estimate (chat/actions/queue_estimate.py) uses it.
    """
    if position < 1:
        raise ValueError("queue positions start at 1")
    if agents_present < 1:
        return None
    return position * handle_seconds / agents_present
