"""The statistics page on the benchmark data: first render in headless Chromium, /healthz during an
export (is the gevent loop free while DuckDB works?), and the report section in docs/benchmarks.md."""

from __future__ import annotations

import re
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.server import ServerProcess

SECTION = "## Analytics (issue 7)"


def _first_renders(base: str, runs: int = 5) -> list[float]:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/login?next=/workspace")
        page.get_by_label("Username").fill("manager")
        page.get_by_label("Password").fill("demo")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/workspace")
        times = []
        for _ in range(runs + 1):  # the first navigation also loads plotly.js into the cache
            started = time.perf_counter()
            page.goto(f"{base}/statistics?preset=last_30_days")
            page.wait_for_selector("#kpi-chats .stats-kpi-value", timeout=60_000)
            page.wait_for_selector("#stats-heatmap .heatmaplayer", timeout=60_000)
            times.append(time.perf_counter() - started)
        browser.close()
    return times[1:]


def _health_during_export(base: str, cookies: dict[str, str]) -> dict[str, float]:
    latencies: list[float] = []
    done = threading.Event()
    export: dict[str, float] = {}

    def download() -> None:
        started = time.perf_counter()
        with requests.get(f"{base}/statistics/export/chats.csv?preset=custom&from=2000-01-01&to=2100-01-01",
                          cookies=cookies, stream=True, timeout=300) as response:
            export["bytes"] = sum(len(chunk) for chunk in response.iter_content(1 << 20))
        export["seconds"] = time.perf_counter() - started
        done.set()

    worker = threading.Thread(target=download)
    worker.start()
    while not done.is_set():
        started = time.perf_counter()
        requests.get(f"{base}/healthz", timeout=30)
        latencies.append(time.perf_counter() - started)
        time.sleep(0.05)
    worker.join()
    return {"export_seconds": export["seconds"], "export_mb": export["bytes"] / 1e6, "health_checks": len(latencies),
            "health_max_ms": max(latencies) * 1000, "health_median_ms": statistics.median(latencies) * 1000}


def measure(folder: Path) -> dict[str, Any]:
    server = ServerProcess(folder, {"CHAT_ETL_INTERVAL": "0"})
    server.start(timeout=120)
    try:
        renders = _first_renders(server.url)
        session = requests.Session()
        session.post(f"{server.url}/login", data={"username": "manager", "password": "demo"}, timeout=30)
        health = _health_during_export(server.url, {k: v for k, v in session.cookies.get_dict().items() if v})
    finally:
        server.stop()
    return {"first_render_seconds": renders, **health}


def _ms(value: float) -> str:
    return f"{value:.1f}"


def write_report(path: Path, f: dict[str, Any]) -> None:
    m, full, inc, dbapi, ex, page = f["machine"], f["full"], f["incremental"], f["incremental_dbapi"], \
        f["exports"], f["page"]
    lines = [SECTION, "", f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `bench/analytics_bench.py` "
             f"on {m['cpu']}, {m['memory']} RAM, load average at start {m['load']} (the machine is shared). "
             f"Python {m['python']}, DuckDB {m['duckdb']}, pyarrow {m['pyarrow']}, adbc-driver-sqlite "
             f"{m['adbc_driver_sqlite']}, SQLite {m['sqlite']}.", "",
             f"Data: {f['chats']:,} chats and {f['messages']:,} messages in SQLite ("
             + (f"generated in {f['generate_seconds']:.0f} s" if "generate_seconds" in f else "reused with --keep")
             + ").", "",
             "| what | figure | target |", "| --- | --- | --- |",
             f"| full load (`--full`, ADBC reader) | {full['seconds']:.1f} s + publish {full['publish_seconds']:.1f} s "
             "| ≤ 30 s |",
             f"| incremental load, 10,000 new chats (ADBC reader) | {inc['seconds']:.2f} s + publish "
             f"{inc['publish_seconds']:.1f} s | ≤ 1 s |",
             f"| the same through Python's sqlite3 (the server's own thread) | {dbapi['seconds']:.2f} s | |",
             f"| CSV export, {ex['csv_rows']:,} rows ({ex['csv_mb']:.0f} MB) | {ex['csv_seconds']:.2f} s | ≤ 5 s |",
             f"| XLSX export, {ex['xlsx_rows']:,} rows ({ex['xlsx_mb']:.0f} MB) | {ex['xlsx_seconds']:.2f} s "
             "| ≤ 10 s |",
             "| statistics page first render, headless Chromium, last 30 days | "
             + ", ".join(f"{s:.2f} s" for s in page["first_render_seconds"]) + " | ≤ 1 s |",
             f"| /healthz while the server streams a {page['export_mb']:.0f} MB CSV export "
             f"({page['export_seconds']:.1f} s) | median {_ms(page['health_median_ms'])} ms, max "
             f"{_ms(page['health_max_ms'])} ms over {page['health_checks']} checks | no stall |", "",
             "Statistics queries against the snapshot (20 runs after a warm-up; p95 ≤ 100 ms) and the same "
             "aggregation on SQLite (one run; ≥ 20×):", "",
             "| query | period | p95 ms | median ms | SQLite ms | ratio |", "| --- | --- | --- | --- | --- | --- |"]
    for q in f["queries"]:
        sqlite_ms = _ms(q["sqlite_ms"]) if "sqlite_ms" in q else "–"
        ratio = f"{q['ratio']:.0f}×" if "ratio" in q else "–"
        lines.append(f"| {q['query']} | {q['period']} | {_ms(q['p95_ms'])} | {_ms(q['median_ms'])} | {sqlite_ms} "
                     f"| {ratio} |")
    section = "\n".join(lines) + "\n"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
