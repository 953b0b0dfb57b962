"""Analytics benchmark: 1,000,000 chats and 10,000,000 messages (issue 7's figures).

    .venv/bin/python bench/analytics_bench.py [--chats 1000000] [--dir /tmp/analytics-bench] [--keep]

Generates the history into SQLite, then measures: the full load and an incremental load of 10,000 new
chats (in a loader process of their own, as `python -m analytics.etl` runs), every statistics query's p95
against the DuckDB snapshot and the same aggregation on SQLite, a 1,000,000-row CSV export, a 100,000-row
XLSX export, the statistics page's first render in headless Chromium, and how long /healthz takes to
answer while the server builds a large export. Prints the figures and writes them to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics import exports, queries  # noqa: E402
from analytics.drilldown import Drill, chat_list, tiles, transcript  # noqa: E402
from analytics.filters import Filters  # noqa: E402
from analytics.snapshot import snapshot_cursor  # noqa: E402
from analytics.staffing import plan  # noqa: E402
from bench import analytics_page  # noqa: E402
from bench.analytics_data import add_chats, generate  # noqa: E402
from bench.analytics_relational import RELATIONAL  # noqa: E402

LOADER = """
import json, sys, time
from pathlib import Path
from analytics.etl import Etl
etl = Etl(Path(sys.argv[1]), "sqlite:///" + sys.argv[1] + "/chat.db", native=sys.argv[3] == "native")
if etl.native:
    import adbc_driver_sqlite.dbapi  # imported once by the loader process (0.4 s), not by every load
started = time.perf_counter()
if sys.argv[2] == "full":
    result = etl.rebuild()
else:
    from analytics.loader import load_changes
    result = load_changes(etl.connection(), __import__("analytics.source").source.open_source(
        etl.database_url, native=etl.native))
loaded = time.perf_counter() - started
etl.finish(etl.connection(), publish_now=True)
print(json.dumps({"seconds": loaded, "publish_seconds": time.perf_counter() - started - loaded,
                  "chats": result.chats}))
"""


def run_loader(folder: Path, mode: str, reader: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", LOADER, str(folder), mode, reader], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def p95(function: Callable[[], Any], runs: int = 20) -> tuple[float, float]:
    function()  # warm: the first run reads the columns from disk
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.quantiles(times, n=20)[-1] * 1000, statistics.median(times) * 1000


def query_figures(folder: Path, today: date) -> list[dict[str, Any]]:
    month = Filters(today - timedelta(days=29), today, preset="last_30_days")
    year = Filters(today - timedelta(days=364), today, granularity="week")
    figures = []
    database = sqlite3.connect(folder / "chat.db")
    with snapshot_cursor(folder) as cur:
        now = datetime.combine(today, datetime.min.time())
        chat_id = cur.execute("SELECT max(chat_id) FROM chats").fetchall()[0][0]
        work: dict[str, Callable[[Filters], Any]] = {
            "kpis": lambda f: queries.kpis(cur, f), "volume": lambda f: queries.volume(cur, f),
            "service_level": lambda f: queries.service_level_series(cur, f),
            "wait_distribution": lambda f: queries.wait_distribution(cur, f),
            "heatmap": lambda f: queries.heatmap(cur, f), "outcomes": lambda f: queries.outcomes(cur, f),
            "ratings": lambda f: queries.ratings(cur, f), "agent_table": lambda f: queries.agent_table(cur, f),
            "aggregate_table": lambda f: queries.aggregate_table(cur, f), "tiles": lambda f: tiles(cur, f, now),
            "drill_down": lambda f: chat_list(cur, f, Drill(weekday=1, hour=10)),
            "transcript": lambda f: transcript(cur, chat_id), "staffing": lambda f: plan(cur, 1, f.start, f.end),
        }
        for name, function in work.items():
            for label, f in (("30 days", month), ("365 days", year)):
                slow, median = p95(lambda f=f, function=function: function(f))  # type: ignore[misc]
                row: dict[str, Any] = {"query": name, "period": label, "p95_ms": slow, "median_ms": median}
                if name in RELATIONAL:
                    started = time.perf_counter()
                    RELATIONAL[name](database, f)
                    row["sqlite_ms"] = (time.perf_counter() - started) * 1000
                    row["ratio"] = row["sqlite_ms"] / median
                figures.append(row)
                print(json.dumps(row), flush=True)
    database.close()
    return figures


def export_figures(folder: Path, today: date) -> dict[str, Any]:
    found: dict[str, Any] = {}
    with snapshot_cursor(folder) as cur:
        everything = Filters(today - timedelta(days=400), today)
        started = time.perf_counter()
        path = exports.write_chats(cur, everything, folder / "all.csv", "csv")
        found["csv_seconds"], found["csv_rows"] = time.perf_counter() - started, exports.count_chats(cur, everything)
        found["csv_mb"] = path.stat().st_size / 1e6
        days = 1
        while days < 400 and exports.count_chats(cur, Filters(today - timedelta(days=days), today)) < 100_000:
            days += 1
        some = Filters(today - timedelta(days=days), today)
        started = time.perf_counter()
        path = exports.write_chats(cur, some, folder / "some.xlsx", "xlsx")
        found["xlsx_seconds"], found["xlsx_rows"] = time.perf_counter() - started, exports.count_chats(cur, some)
        found["xlsx_mb"] = path.stat().st_size / 1e6
    print(json.dumps(found), flush=True)
    return found


def machine() -> dict[str, str]:
    import adbc_driver_sqlite
    import duckdb
    import pyarrow

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpu": f"{os.cpu_count()} × {cpu}", "memory": memory, "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "python": platform.python_version(), "duckdb": duckdb.__version__, "pyarrow": pyarrow.__version__,
            "adbc_driver_sqlite": adbc_driver_sqlite.__version__, "sqlite": sqlite3.sqlite_version}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/analytics-bench"))
    parser.add_argument("--keep", action="store_true", help="reuse the generated database when it exists")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    folder: Path = args.dir
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    figures: dict[str, Any] = {"machine": machine(), "chats": args.chats}
    if not (args.keep and (folder / "chat.db").exists()):
        for stale in folder.glob("analytics*"):
            subprocess.run(["rm", "-rf", str(stale)], check=True)
        started = time.perf_counter()
        generate(folder / "chat.db", args.chats, now=now)
        figures["generate_seconds"] = time.perf_counter() - started
    database = sqlite3.connect(folder / "chat.db")
    figures["messages"] = database.execute("SELECT count(*) FROM messages").fetchone()[0]
    database.close()
    print(json.dumps(figures), flush=True)
    figures["full"] = run_loader(folder, "full", "native")
    print("full load", figures["full"], flush=True)
    add_chats(folder / "chat.db", 10_000)
    figures["incremental"] = run_loader(folder, "changes", "native")
    add_chats(folder / "chat.db", 10_000)
    figures["incremental_dbapi"] = run_loader(folder, "changes", "dbapi")
    print("incremental", figures["incremental"], figures["incremental_dbapi"], flush=True)
    today = now.date()
    figures["queries"] = query_figures(folder, today)
    figures["exports"] = export_figures(folder, today)
    figures["page"] = analytics_page.measure(folder)
    print(json.dumps(figures["page"]), flush=True)
    if not args.no_write:
        analytics_page.write_report(ROOT / "docs" / "benchmarks.md", figures)


if __name__ == "__main__":
    main()
