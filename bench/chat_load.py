"""Chat load benchmark (issue 3): the product against Flask-SocketIO and a bare SQLite relay, same client.

    .venv/bin/pip install -r requirements-bench.txt
    .venv/bin/python bench/chat_load.py [--pairs 1000] [--scenarios chats,burst,ramp,idle,scaled] [--no-write]

N visitor/agent pairs over real WebSockets (permessage-deflate offered, as browsers do), each pair one
chat: a visitor session started over REST and picked up by its own agent (the product), a room of two
(Flask-SocketIO's minimal chat room), or a room of two sockets (the bare relay). Visitors send at a total
rate; the agent side measures visitor send -> agent receive. Scenarios:

- chats: 1,000 concurrent chats at one message per 5 s each (200 msg/s);
- burst: 2,000 msg/s;
- ramp: the highest rate with p99 <= 100 ms and nothing lost, for the product and the bare relay;
- idle: 10,000 idle visitor sockets on one process (RSS), and the bare relay's for reference;
- scaled: the product on PostgreSQL + Redis with 1 and with 2 server processes (visitors on one, agents on
  the other), chats + burst + ramp.

The server runs with CHAT_VISITOR_MESSAGES_PER_SECOND=0 (no per-visitor limit: the client paces the load),
CHAT_DEMO=0, CHAT_ETL_INTERVAL=0 and CHAT_LOG_LEVEL=WARNING. Prints a table and writes the section
"Chat load (bench/chat_load.py)" of docs/benchmarks.md (other sections are left alone).
"""

from __future__ import annotations

import argparse
import contextlib
import pickle
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _profile, _report  # noqa: E402
from bench._load import Figures, LoadRun, Ramp  # noqa: E402
from bench._servers import PeerTarget, ProductTarget, Target, Usage  # noqa: E402

SCENARIOS = ("chats", "burst", "ramp", "idle", "scaled")
P99_LIMIT_MS = 100.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=1000, help="concurrent chats (visitor/agent pairs)")
    parser.add_argument("--seconds-between-messages", type=float, default=5.0, help="per chat, scenario chats")
    parser.add_argument("--burst-rate", type=float, default=2000.0, help="msg/s, scenario burst")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per step")
    parser.add_argument("--ramp", default="250:16000", help="START:MAX msg/s; doubled until a step fails, then "
                        "bisected twice")
    parser.add_argument("--ramp-duration", type=float, default=8.0)
    parser.add_argument("--idle-sockets", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=4, help="client processes")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--peers", default="socketio,relay", help="peers to run beside the product")
    parser.add_argument("--rest-setup", action="store_true", help="start each chat over REST and pick it up over "
                        "the agent's socket (minutes for 1,000 pairs here) instead of through the product's actions")
    parser.add_argument("--no-profile", action="store_true", help="skip py-spy")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--dir", type=Path, default=None, help="working folder (default: a temporary one)")
    parser.add_argument("--report-from", type=Path, default=None, metavar="RESULTS_PICKLE",
                        help="write the report of an earlier run (DIR/results.pickle) without measuring")
    args = parser.parse_args()
    args.scenarios = set(args.scenarios.split(","))
    args.peers = {p for p in args.peers.split(",") if p}
    return args


def show(figures: Figures) -> Figures:
    print(_report.step_line(figures), flush=True)
    for error in figures.error_samples:
        print(f"    error: {error}", flush=True)
    return figures


def open_runs(targets: dict[str, Target], args: argparse.Namespace) -> dict[str, LoadRun]:
    runs: dict[str, LoadRun] = {}
    for key, target in targets.items():
        target.start()
        runs[key] = LoadRun(target, args.pairs, args.workers)
        opened, seconds, errors = runs[key].setup()
        failures = f"; failures: {errors}" if errors else ""
        print(f"   {target.label}: {opened} pairs open in {seconds:.0f} s{failures}", flush=True)
    return runs


def measure(targets: dict[str, Target], args: argparse.Namespace, work: Path, *, ramp_keys: tuple[str, ...],
            profile_key: str | None) -> dict[str, dict[str, Any]]:
    """All targets up at once; every step runs on each target in turn, so machine noise hits them alike."""
    print("\n== " + ", ".join(t.label for t in targets.values()), flush=True)
    out: dict[str, dict[str, Any]] = {key: {"label": t.label} for key, t in targets.items()}
    runs: dict[str, LoadRun] = {}
    try:
        runs = open_runs(targets, args)
        chat_rate = args.pairs / args.seconds_between_messages
        for key, run in runs.items():
            run.step(f"warm-up/{key}", chat_rate, 5)
            run.settle()
        for scenario, rate in (("chats", chat_rate), ("burst", args.burst_rate)):
            if scenario not in args.scenarios:
                continue
            for key, run in runs.items():
                out[key][scenario] = show(run.step(scenario, rate, args.duration))
                run.settle()
        if "ramp" in args.scenarios and ramp_keys:
            ramp(runs, ramp_keys, args, out)
        if profile_key is not None:  # at work, not waiting: the ramp's highest good rate if it found one
            rate = out[profile_key].get("best") or args.burst_rate
            out[profile_key]["profile_rate"] = rate
            out[profile_key]["profile"] = profile_step(runs[profile_key], rate, work)
            runs[profile_key].settle()
            target = targets[profile_key]
            if isinstance(target, ProductTarget):
                out[profile_key]["write_path"] = target.write_path()
                print("   write path, CPU per visitor message: " + ", ".join(
                    f"{k} {v:.2f} ms" for k, v in out[profile_key]["write_path"].items()), flush=True)
    finally:
        for run in runs.values():
            with contextlib.suppress(Exception):  # the servers must stop, and PostgreSQL drop its databases
                run.close()
        for target in targets.values():
            target.stop()
    return out


def ramp(runs: dict[str, LoadRun], keys: tuple[str, ...], args: argparse.Namespace,
         out: dict[str, dict[str, Any]]) -> None:
    start, limit = (float(x) for x in args.ramp.split(":"))
    ramps = {key: Ramp(start, limit, P99_LIMIT_MS) for key in keys if key in runs}
    while any(r.next is not None for r in ramps.values()):
        for key, r in ramps.items():
            if r.next is not None:
                r.record(show(runs[key].step(f"ramp-{r.next:.0f}", r.next, args.ramp_duration)))
                runs[key].settle()
    for key, r in ramps.items():
        out[key]["best"], out[key]["ramp"] = r.best, r.steps


def profile_step(run: LoadRun, rate: float, work: Path) -> list[tuple[int, _profile.Profile | None]]:
    """The load at `rate` again with py-spy on every server process, kept apart from the measured steps."""
    seconds = 10.0
    pids = run.target.pids()
    raws = [work / f"py-spy-{run.target.kind}-{pid}.txt" for pid in pids]
    spies = [_profile.start(pid, seconds, raw) for pid, raw in zip(pids, raws, strict=True)]
    time.sleep(0.5)
    show(run.step("profiled", rate, seconds))
    return [(pid, _profile.finish(spy, raw, seconds)) for pid, spy, raw in zip(pids, spies, raws, strict=True)]


def measure_idle(target: Target, sockets: int, workers: int) -> dict[str, Any]:
    print(f"\n== {target.label}: {sockets:,} idle visitor sockets", flush=True)
    target.start()
    run: LoadRun | None = None
    try:
        time.sleep(1)
        usage = Usage(target.pids())
        baseline = usage.rss()
        run = LoadRun(target, sockets, workers, idle=True)
        opened, seconds, errors = run.setup()
        time.sleep(5)
        cpu_before = usage.cpu()
        time.sleep(10)
        cpu = Usage.cpu_between(cpu_before, usage.cpu()) / 10 * 100
        client_open, client_rss = run.client_stats()
        out = {"label": target.label, "sockets": opened, "setup_seconds": seconds, "errors": errors,
               "baseline_mb": baseline / 2**20, "rss_mb": usage.rss() / 2**20, "server_sockets": usage.established(),
               "client_sockets": client_open, "client_rss_mb": client_rss / 2**20, "idle_cpu": cpu}
        print(_report.idle_line(out) + (f"; failures: {errors}" if errors else ""), flush=True)
        return out
    finally:
        if run is not None:
            with contextlib.suppress(Exception):
                run.close()
        target.stop()


def raise_descriptor_limit() -> None:
    """Soft limit up to the hard one, for the servers and clients started from here (10,000 sockets take
    10,000 descriptors in the server and as many in the clients; the idle scenario reports how many opened)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> None:
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))  # stop the servers on the way out
    args = parse_args()
    if args.report_from is not None:  # the figures of an earlier run, printed and written again
        report(pickle.loads(args.report_from.read_bytes()), write=not args.no_write)
        return
    raise_descriptor_limit()
    work = args.dir or Path(tempfile.mkdtemp(prefix="chat-load-"))
    started = time.monotonic()
    results: dict[str, Any] = {"argv": sys.argv[1:], "machine": _report.machine(), "idle_target": args.idle_sockets,
                               "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[1]}
    if {"chats", "burst", "ramp"} & args.scenarios:
        targets: dict[str, Target] = {"product": ProductTarget("product (SQLite)", work / "product",
                                                                 rest_setup=args.rest_setup)}
        if "socketio" in args.peers:
            targets["socketio"] = PeerTarget("Flask-SocketIO room", work / "socketio", "socketio")
        if "relay" in args.peers:
            targets["relay"] = PeerTarget("bare relay (SQLite)", work / "relay", "relay")
        results |= measure(targets, args, work, ramp_keys=("product", "relay"),
                           profile_key=None if args.no_profile else "product")
    if "idle" in args.scenarios:
        results["deflate_kb"] = _profile.deflate_state_kb()
        results["idle"] = [measure_idle(ProductTarget("product (SQLite)", work / "idle"), args.idle_sockets,
                                        args.workers)]
        if "relay" in args.peers:
            results["idle"].append(measure_idle(PeerTarget("bare relay (SQLite)", work / "idle-relay", "relay"),
                                                args.idle_sockets, args.workers))
    if "scaled" in args.scenarios:
        scaled: dict[str, Target] = {
            "pg1": ProductTarget("product, PostgreSQL + Redis, 1 process", work / "pg1", "pg1",
                                 rest_setup=args.rest_setup),
            "pg2": ProductTarget("product, PostgreSQL + Redis, 2 processes", work / "pg2", "pg2",
                                 rest_setup=args.rest_setup),
        }
        results |= measure(scaled, args, work, ramp_keys=("pg1", "pg2"),
                           profile_key=None if args.no_profile else "pg2")
    results["minutes"] = (time.monotonic() - started) / 60
    (work / "results.pickle").write_bytes(pickle.dumps(results))
    report(results, write=not args.no_write)


def report(results: dict[str, Any], *, write: bool) -> None:
    print("\n" + _report.table(results), flush=True)
    if write:
        _report.write(ROOT / "docs" / "benchmarks.md", results)
        print("written to docs/benchmarks.md", flush=True)


if __name__ == "__main__":
    main()
