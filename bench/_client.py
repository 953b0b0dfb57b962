"""One load-client process: opens its share of the pairs, then runs paced steps on command.

The coordinator (bench/chat_load.py) starts several of these with multiprocessing so the client is not
the bottleneck, and talks to each over a Pipe: `setup`, `run`, `close`. Every message carries its step
name and the monotonic clock at the send (CLOCK_MONOTONIC is one clock for all processes of the machine);
the agent side measures visitor send -> agent receive when the frame arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import heapq
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import psutil
import uvloop

from bench._drivers import DRIVERS, Driver, Endpoints, Pair, PairSpec, stop_reporting_closes

SETUP_CONCURRENCY = 16
VISITOR_PING_SECONDS = 20.0  # the widget pings once per heartbeat (CHAT_HEARTBEAT_SECONDS)
AGENT_PING_SECONDS = 15.0  # the workspace (assets/realtime.js) pings every 15 s
MAX_ERROR_SAMPLES = 5


@dataclass(frozen=True)
class StepOrder:
    step: str
    rate_per_pair: float
    start_at: float  # time.monotonic() of the first send
    duration: float
    drain: float  # seconds to wait for late deliveries after the last send
    backlog_cap: float  # stop sending once this many of this worker's messages are undelivered


@dataclass
class StepResult:
    step: str
    sent: int = 0
    delivered: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    send_lag_ms: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    open_sockets: int = 0
    overloaded: bool = False  # the server fell so far behind that this worker stopped sending


@dataclass
class SetupResult:
    opened: int
    failed: int
    seconds: float
    errors: list[str]
    open_sockets: int


class Worker:
    def __init__(self, target: str, endpoints: Endpoints, pairs: list[PairSpec], idle: bool) -> None:
        self.driver: Driver = DRIVERS[target](endpoints, self.report)
        self.specs = pairs
        self.idle = idle
        self.pairs: list[Pair] = []
        self.sent: Counter[str] = Counter()
        self.latencies: dict[str, list[float]] = {}
        self.total_sent = 0
        self.total_delivered = 0  # late deliveries of earlier steps included
        self.errors: list[str] = []
        self.process = psutil.Process()
        self.pinger: asyncio.Task[None] | None = None

    def report(self, error: str) -> None:
        self.errors.append(error)

    def deliver(self, text: str) -> None:
        received = time.monotonic()
        self.total_delivered += 1
        step, stamp = text.split(" ", 1)
        self.latencies.setdefault(step, []).append((received - float(stamp)) * 1000)

    def open_sockets(self) -> int:
        return sum(1 for pair in self.pairs for ws in pair.sockets if ws.close_code is None)

    async def setup(self) -> SetupResult:
        started = time.monotonic()
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)
        failures: list[str] = []

        async def open_one(spec: PairSpec) -> None:
            async with gate:
                try:
                    if self.idle:
                        self.pairs.append(await self.driver.open_idle(spec))
                    else:
                        self.pairs.append(await self.driver.open_pair(spec, self.deliver))
                except Exception as error:  # noqa: BLE001 - counted and reported, the rest go on
                    failures.append(f"pair {spec.index}: {error!r}"[:300])

        await asyncio.gather(*(open_one(spec) for spec in self.specs))
        self.pinger = asyncio.create_task(self._keep_alive())
        return SetupResult(len(self.pairs), len(failures), time.monotonic() - started, failures[:MAX_ERROR_SAMPLES],
                           self.open_sockets())

    async def greet(self) -> float:
        started = time.monotonic()
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def greet_one(pair: Pair) -> None:
            async with gate:
                try:
                    if pair.greet is not None:
                        await pair.greet()
                except Exception as error:  # noqa: BLE001 - reported; the pair still measures delivery
                    self.report(f"hello failed: {error!r}"[:300])

        await asyncio.gather(*(greet_one(pair) for pair in self.pairs))
        return time.monotonic() - started

    async def _keep_alive(self) -> None:
        """Each socket pings at its own phase, as independent browsers would."""
        schedule: list[tuple[float, int, int, float]] = []
        now = time.monotonic()
        for p, pair in enumerate(self.pairs):
            for s in range(len(pair.sockets)):
                every = AGENT_PING_SECONDS if s == 1 else VISITOR_PING_SECONDS
                schedule.append((now + random.random() * every, p, s, every))
        heapq.heapify(schedule)
        while schedule:
            due, p, s, every = heapq.heappop(schedule)
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            socket = self.pairs[p].sockets[s]
            if socket.close_code is None:
                with contextlib.suppress(Exception):  # the reader reports a closed socket
                    await self.driver.keep_alive(socket)
                heapq.heappush(schedule, (due + every, p, s, every))

    async def run(self, order: StepOrder) -> StepResult:
        """Send at the rate until the end, or until more than `backlog_cap` messages are undelivered."""
        step, start_at, backlog_cap = order.step, order.start_at, order.backlog_cap
        interval = 1.0 / order.rate_per_pair
        duration, drain = order.duration, order.drain
        end = start_at + duration
        result = StepResult(step)
        errors_before = len(self.errors)
        self.latencies.setdefault(step, [])

        async def pace(pair: Pair) -> None:
            due = start_at + random.random() * interval
            while due < end:
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                if self.sent[step] - len(self.latencies[step]) > backlog_cap:
                    result.overloaded = True
                if result.overloaded:
                    return
                now = time.monotonic()
                result.send_lag_ms.append((now - due) * 1000)
                try:
                    await pair.send(f"{step} {now:.6f}")
                except Exception as error:  # noqa: BLE001 - a failed send is an error of the step
                    self.report(f"send failed: {error!r}"[:300])
                    return
                self.sent[step] += 1
                self.total_sent += 1
                due += interval

        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        cpu_before = sum(self.process.cpu_times()[:2])
        await asyncio.gather(*(pace(pair) for pair in self.pairs))
        result.cpu_seconds = sum(self.process.cpu_times()[:2]) - cpu_before
        result.wall_seconds = time.monotonic() - start_at
        deadline = time.monotonic() + drain
        while len(self.latencies[step]) < self.sent[step] and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        result.sent = self.sent[step]
        result.latencies_ms = self.latencies.pop(step)
        result.delivered = len(result.latencies_ms)
        new_errors = self.errors[errors_before:]
        result.errors = len(new_errors)
        result.error_samples = new_errors[:MAX_ERROR_SAMPLES]
        result.open_sockets = self.open_sockets()
        return result

    async def close(self) -> None:
        stop_reporting_closes()
        await asyncio.gather(*(ws.close() for pair in self.pairs for ws in pair.sockets), return_exceptions=True)


async def _serve(pipe: Connection, worker: Worker) -> None:
    loop = asyncio.get_running_loop()
    while True:
        command: tuple[Any, ...] = await loop.run_in_executor(None, pipe.recv)
        if command[0] == "setup":
            pipe.send(await worker.setup())
            gc.collect()  # the open sockets live until the end: no full collection pauses while measuring
            gc.freeze()
        elif command[0] == "greet":
            pipe.send(await worker.greet())
        elif command[0] == "run":
            pipe.send(await worker.run(command[1]))
        elif command[0] == "stats":
            pipe.send((worker.open_sockets(), worker.process.memory_info().rss))
        elif command[0] == "outstanding":
            pipe.send(worker.total_sent - worker.total_delivered)
        else:
            await worker.close()
            pipe.send("closed")
            return


def worker_main(pipe: Connection, target: str, endpoints: Endpoints, pairs: list[PairSpec], idle: bool) -> None:
    """Entry point of a client process (multiprocessing, spawn)."""
    uvloop.run(_serve(pipe, Worker(target, endpoints, pairs, idle)))
