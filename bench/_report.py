"""Printing the chat load figures, and the section "Chat load (bench/chat_load.py)" of docs/benchmarks.md."""

from __future__ import annotations

import math
import os
import platform
import re
import sqlite3
import subprocess
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

from bench import _analysis
from bench._load import Figures

SECTION = "## Chat load (bench/chat_load.py)"
PACKAGES = ("Flask", "flask-sock", "simple-websocket", "wsproto", "gevent", "SQLAlchemy", "psycopg", "redis",
            "Flask-SocketIO", "python-socketio", "python-engineio", "websockets", "uvloop", "psutil", "py-spy")


def _ms(value: float) -> str:
    if math.isnan(value):  # nothing was delivered
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _tool_version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=10)
        return done.stdout.strip().split("\n")[0]
    except OSError:
        return "absent"


def reference_loop_seconds() -> float:
    """CPU seconds for ten million additions in pure Python, best of three: how fast this machine is now."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for number in range(10_000_000):
            total += number
        best = min(best, time.process_time() - started)
    return best


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": psutil.virtual_memory().total / 2**30,
            "load": " ".join(f"{x:.1f}" for x in os.getloadavg()), "python": platform.python_version(),
            "reference_loop_s": reference_loop_seconds(),
            "sqlite": sqlite3.sqlite_version, "postgres": _tool_version(["psql", "--version"]),
            "redis_server": _tool_version(["redis-server", "--version"]), "packages": versions,
            "commit": _tool_version(["git", "-C", str(Path(__file__).resolve().parent.parent), "rev-parse", "--short",
                                     "HEAD"]),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def step_line(f: Figures) -> str:
    stopped = " OVERLOADED: clients stopped sending" if f.overloaded else ""
    return (f"   {f.step:<11} {f.rate:7.0f} msg/s  sent {f.sent:>6} delivered {f.delivered:>6}  "
            f"p50 {_ms(f.p50):>6} p95 {_ms(f.p95):>6} p99 {_ms(f.p99):>6} max {_ms(f.max):>6} ms  "
            f"server {f.server_cpu:3.0f}% cpu {f.server_rss_mb:5.0f} MB {f.server_sockets} sockets  "
            f"helpers {f.helper_cpu:3.0f}%  others {f.others_cpu:3.0f}%  "
            f"client {f.client_cpu:3.0f}% (max {f.client_cpu_max:3.0f}%) "
            f"lag p99 {_ms(f.send_lag_p99)} ms  errors {f.errors}{stopped}")


def idle_line(r: dict[str, Any]) -> str:
    per_socket = (r["rss_mb"] - r["baseline_mb"]) * 1024 / max(1, r["sockets"])
    return (f"   {r['sockets']:,} sockets open in {r['setup_seconds']:.0f} s; server RSS {r['rss_mb']:.0f} MB "
            f"(empty {r['baseline_mb']:.0f} MB, {per_socket:.1f} KB per socket), {r['server_sockets']:,} "
            f"established, idle CPU {r['idle_cpu']:.0f}%; client {r['client_sockets']:,} open")


HEADER = ("| target | scenario | msg/s | sent | delivered | p50 ms | p95 ms | p99 ms | max ms | server CPU "
          "| server RSS MB | server sockets | client CPU (busiest process) | other processes' CPU |")


def row(f: Figures) -> str:
    helper = f" + {f.helper_cpu:.0f}% PG/Redis" if f.helper_cpu else ""
    stopped = " (overloaded: sending stopped)" if f.overloaded else ""
    return (f"| {f.target} | {f.step} | {f.rate:,.0f}{stopped} | {f.sent:,} | {f.delivered:,} | {_ms(f.p50)} | "
            f"{_ms(f.p95)} | {_ms(f.p99)} | {_ms(f.max)} | {f.server_cpu:.0f}%{helper} | {f.server_rss_mb:.0f} | "
            f"{f.server_sockets:,} | {f.client_cpu:.0f}% ({f.client_cpu_max:.0f}%) | {f.others_cpu:.0f}% |")


def load_rows(results: dict[str, Any]) -> list[str]:
    lines = [HEADER, "|" + " --- |" * (HEADER.count("|") - 1)]
    for scenario in ("chats", "burst"):
        lines += [row(results[k][scenario]) for k in ("product", "socketio", "relay", "pg1", "pg2")
                  if k in results and scenario in results[k]]
    return lines


def ramp_rows(results: dict[str, Any]) -> list[str]:
    lines = [HEADER, "|" + " --- |" * (HEADER.count("|") - 1)]
    for key in ("product", "relay", "pg1", "pg2"):
        lines += [row(f) for f in results.get(key, {}).get("ramp", [])]
    return lines


def table(results: dict[str, Any]) -> str:
    lines = load_rows(results)
    if any("ramp" in results.get(k, {}) for k in ("product", "relay", "pg1", "pg2")):
        lines += ["", "Ramp (highest rate with p99 <= 100 ms and nothing lost):"]
        lines += [f"  {results[k]['label']}: {results[k]['best']:,.0f} msg/s"
                  for k in ("product", "relay", "pg1", "pg2") if "best" in results.get(k, {})]
    for idle in results.get("idle", []):
        lines.append(f"  idle, {idle['label']}:" + idle_line(idle))
    lines += ["", *_analysis.verdicts(results)]
    return "\n".join(lines)


def section(results: dict[str, Any]) -> str:
    m = results["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    command = " ".join(["bench/chat_load.py", *results.get("argv", [])])
    lines = [
        SECTION, "",
        f"Run {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gb']:.0f} GB RAM (a shared machine: load "
        f"average {m['load']} at start; client and server share the 2 cores"
        + (f"; ten million additions in pure Python took {m['reference_loop_s']:.2f} s of CPU at start: compare "
           "that across runs before their absolute figures" if "reference_loop_s" in m else "")
        + f"). Python {m['python']}, SQLite "
        f"{m['sqlite']}, {m['postgres']}, {m['redis_server']}; {packages}. The run took "
        f"{results['minutes']:.0f} minutes" + (f", with HEAD at commit {m['commit']}." if m.get("commit")
                                                else "."), "",
        "How to run: `.venv/bin/pip install -r requirements-bench.txt && .venv/bin/python bench/chat_load.py` "
        f"(this run: `.venv/bin/python {command}`; `--help` lists the scenarios and sizes).", "",
        *_analysis.method(results), "",
        "### Targets", "", *_analysis.verdicts(results), "",
        "### Same load, product and peers side by side", "", *load_rows(results), "",
        "### Rate ramp", "", *ramp_rows(results), "",
        *_analysis.ramp_summary(results), "",
        "### Idle sockets", "", *_analysis.idle_rows(results), "",
        "### What bounds the product (py-spy)", "", *_analysis.profile_text(results), "",
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def write(path: Path, results: dict[str, Any]) -> None:
    """Replace this section only (up to the next `## ` heading); other sections belong to other benches."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    body = section(results)
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    text = pattern.sub(lambda _m: body + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body
    path.write_text(text)
