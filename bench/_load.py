"""The coordinator's side of a run: client processes for one target, paced steps, and the step's figures."""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import psutil

from bench._client import SetupResult, StepOrder, StepResult, worker_main
from bench._servers import Target, Usage

START_DELAY = 1.5  # seconds between the run command and the first send, so every worker starts together
BACKLOG_SECONDS = 0.5  # a step stops sending once this many seconds of messages are undelivered ...
BACKLOG_FLOOR = 300  # ... or this many, whichever is more: the step has failed, and the backlog stays drainable


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


@dataclass
class Figures:
    """One paced step against one target, all client processes together."""

    target: str
    step: str
    rate: float
    duration: float
    pairs: int
    sent: int = 0
    delivered: int = 0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    max: float = 0.0
    server_cpu: float = 0.0  # percent of one core, all server processes together
    helper_cpu: float = 0.0  # PostgreSQL backends and redis-server, percent of one core
    server_rss_mb: float = 0.0
    client_cpu: float = 0.0  # percent of one core, all client processes together
    client_cpu_max: float = 0.0  # the busiest client process
    send_lag_p99: float = 0.0
    others_cpu: float = 0.0  # percent of one core used by everything else on the machine (other people's work)
    server_sockets: int = 0
    client_sockets: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    overloaded: bool = False  # the clients stopped sending early: the server was seconds behind

    @property
    def lost(self) -> int:
        return self.sent - self.delivered

    @property
    def achieved(self) -> float:
        return self.sent / self.duration if self.duration else 0.0

    @property
    def cpu_ms_per_message(self) -> float:
        return self.server_cpu * 10 * self.duration / self.sent if self.sent else float("nan")

    def meets(self, p99_ms: float) -> bool:
        return self.lost == 0 and self.p99 <= p99_ms and self.errors == 0 and not self.overloaded


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores, everything but idle and iowait)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


class LoadRun:
    """Client processes for one target: they open the pairs once, then run steps on command."""

    def __init__(self, target: Target, pairs: int, workers: int, *, idle: bool = False) -> None:
        self.target = target
        self.idle = idle
        specs = target.seed(pairs, idle=idle)
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes: list[Any] = []
        for w in range(workers):
            mine, theirs = context.Pipe()
            process = context.Process(target=worker_main, daemon=True,
                                      args=(theirs, target.kind, target.endpoints(), specs[w::workers], idle))
            process.start()
            self.pipes.append(mine)
            self.processes.append(process)
        self.pairs = 0

    def _ask(self, command: tuple[Any, ...]) -> list[Any]:
        for pipe in self.pipes:
            pipe.send(command)
        return [pipe.recv() for pipe in self.pipes]

    def setup(self) -> tuple[int, float, list[str]]:
        results: list[SetupResult] = self._ask(("setup",))
        self.pairs = sum(r.opened for r in results)
        errors = [e for r in results for e in r.errors]
        greeting: list[float] = self._ask(("greet",))
        return self.pairs, max(r.seconds for r in results) + max(greeting), errors

    def client_stats(self) -> tuple[int, int]:
        stats: list[tuple[int, int]] = self._ask(("stats",))
        return sum(s[0] for s in stats), sum(s[1] for s in stats)

    def step(self, name: str, rate: float, duration: float, drain: float = 10.0) -> Figures:
        server = Usage(self.target.pids())
        helpers = Usage(self.target.helper_pids())
        start_at = time.monotonic() + START_DELAY
        backlog_cap = max(BACKLOG_FLOOR, rate * BACKLOG_SECONDS) / len(self.pipes)
        for pipe in self.pipes:
            pipe.send(("run", StepOrder(name, rate / self.pairs, start_at, duration, drain, backlog_cap)))
        time.sleep(max(0.0, start_at - time.monotonic()))
        cpu_before, helper_before, machine_before = server.cpu(), helpers.cpu(), _machine_busy()
        time.sleep(max(0.0, start_at + duration - time.monotonic()))
        cpu_after, helper_after, machine_after = server.cpu(), helpers.cpu(), _machine_busy()
        rss = server.rss()
        results: list[StepResult] = [pipe.recv() for pipe in self.pipes]
        latencies = [x for r in results for x in r.latencies_ms]
        figures = Figures(
            target=self.target.label, step=name, rate=rate, duration=duration, pairs=self.pairs,
            sent=sum(r.sent for r in results), delivered=len(latencies),
            p50=percentile(latencies, 0.50), p95=percentile(latencies, 0.95), p99=percentile(latencies, 0.99),
            max=max(latencies, default=float("nan")),
            server_cpu=Usage.cpu_between(cpu_before, cpu_after) / duration * 100,
            helper_cpu=Usage.cpu_between(helper_before, helper_after) / duration * 100,
            server_rss_mb=rss / 2**20,
            client_cpu=sum(r.cpu_seconds / r.wall_seconds for r in results if r.wall_seconds) * 100,
            client_cpu_max=max((r.cpu_seconds / r.wall_seconds for r in results if r.wall_seconds), default=0) * 100,
            send_lag_p99=percentile([x for r in results for x in r.send_lag_ms], 0.99),
            server_sockets=server.established(),
            client_sockets=sum(r.open_sockets for r in results),
            errors=sum(r.errors for r in results),
            error_samples=[e for r in results for e in r.error_samples][:5],
            overloaded=any(r.overloaded for r in results),
        )
        ours = figures.server_cpu + figures.helper_cpu + figures.client_cpu
        figures.others_cpu = max(0.0, (machine_after - machine_before) / duration * 100 - ours)
        return figures

    def settle(self, timeout: float = 180.0) -> int:
        """Wait until every message sent so far has arrived (the server has worked off its backlog), then
        one quiet second; returns what is still missing at the timeout."""
        deadline = time.monotonic() + timeout
        missing = sum(self._ask(("outstanding",)))
        while missing > 0 and time.monotonic() < deadline:
            time.sleep(0.5)
            missing = sum(self._ask(("outstanding",)))
        time.sleep(1.0)
        return missing

    def close(self, timeout: float = 15.0) -> None:
        """Close the sockets with a close handshake; past `timeout` the client processes are killed."""
        for pipe in self.pipes:
            pipe.send(("close",))
        deadline = time.monotonic() + timeout
        for pipe, process in zip(self.pipes, self.processes, strict=True):
            if pipe.poll(max(0.0, deadline - time.monotonic())):
                pipe.recv()
            process.join(timeout=max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()



class Ramp:
    """Double the rate until a step fails (p99 > limit or anything lost), then bisect a few times."""

    def __init__(self, start: float, limit: float, p99_ms: float, bisections: int = 3) -> None:
        self.best = 0.0
        self.failed: float | None = None
        self.next: float | None = start
        self.limit = limit
        self.p99_ms = p99_ms
        self.bisections = bisections
        self.steps: list[Figures] = []

    def record(self, figures: Figures) -> None:
        self.steps.append(figures)
        if figures.meets(self.p99_ms):
            self.best = max(self.best, figures.rate)
        else:
            self.failed = min(self.failed or figures.rate, figures.rate)
        if self.failed is None:
            doubled = figures.rate * 2
            self.next = doubled if doubled <= self.limit else None
        elif self.bisections > 0:
            self.bisections -= 1
            self.next = round((self.best + self.failed) / 2, -1)
        else:
            self.next = None
