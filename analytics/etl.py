"""The analytics loader: relational store -> DuckDB work file -> published snapshot.

    python -m analytics.etl            one incremental load, then publish if anything changed
    python -m analytics.etl --watch    the same every CHAT_ETL_INTERVAL seconds (own process beside workers)
    python -m analytics.etl --full     rebuild the warehouse from scratch, with a progress bar

In the single-process default the server runs `start_background_etl` instead (CHAT_ETL_INTERVAL > 0).
Only one process may load at a time: DuckDB locks the work file.
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from analytics.loader import LoadResult, Progress, load_all, load_changes
from analytics.schema import ensure_schema, set_state
from analytics.snapshot import Paths, publish, read_status, run_off_loop, write_status
from analytics.source import SESSIONS_HIGH_WATER, open_source

log = logging.getLogger(__name__)


class Etl:
    """One loader for one data dir. Keeps its DuckDB connection between runs; never used concurrently."""

    def __init__(self, data_dir: Path, database_url: str, *, native: bool = False) -> None:
        self.paths = Paths(data_dir)
        self.database_url = database_url
        self.native = native  # ADBC: only in a process of its own (see analytics.source.open_source)
        self._con: duckdb.DuckDBPyConnection | None = None

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = duckdb.connect(str(self.paths.work))
            ensure_schema(self._con)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def run(self, *, progress: Progress | None = None) -> LoadResult:
        """Load what changed; publish a snapshot when something did (or none exists yet)."""
        con = self.connection()
        source = open_source(self.database_url, native=self.native)
        try:
            result = load_changes(con, source, progress=progress)
        finally:
            source.close()
        self.finish(con, publish_now=result.changed or not self.paths.pointer.exists())
        return result

    def session_count(self) -> int:
        source = open_source(self.database_url, native=self.native)
        try:
            return int(source.table(SESSIONS_HIGH_WATER).column(0)[0].as_py() or 0)
        finally:
            source.close()

    def rebuild(self, *, progress: Progress | None = None) -> LoadResult:
        """Build a new work file from nothing, swap it in, publish."""
        self.close()
        fresh = self.paths.work.with_name(self.paths.work.name + ".rebuild")
        for stale in (fresh, fresh.with_name(fresh.name + ".wal")):
            stale.unlink(missing_ok=True)
        source = open_source(self.database_url, native=self.native)
        try:
            con = duckdb.connect(str(fresh))
            try:
                result = load_all(con, source, progress=progress)
                con.execute("CHECKPOINT")
            finally:
                con.close()
        finally:
            source.close()
        self.paths.work.with_name(self.paths.work.name + ".wal").unlink(missing_ok=True)
        fresh.replace(self.paths.work)
        self.finish(self.connection(), publish_now=True)
        return result

    def finish(self, con: duckdb.DuckDBPyConnection, *, publish_now: bool) -> None:
        """Record the check in the status file; publish a new snapshot first when asked."""
        now = datetime.now(UTC)
        snapshot = read_status(self.paths).get("snapshot")
        if publish_now:
            set_state(con, "loaded_at", now.replace(tzinfo=None).isoformat(sep=" "))
            snapshot = publish(con, self.paths).name
        write_status(self.paths, checked_at=now.isoformat(), snapshot=snapshot)


def start_background_etl(data_dir: Path, database_url: str, interval: float, stop: threading.Event) -> threading.Thread:
    """Load every `interval` seconds until `stop` is set; under gevent the work runs in the native pool."""
    etl = Etl(data_dir, database_url)

    def loop() -> None:
        while True:
            try:
                run_off_loop(etl.run)
            except Exception:
                log.exception("analytics load failed; retrying at the next interval")
            if stop.wait(interval):
                run_off_loop(etl.close)
                return

    thread = threading.Thread(target=loop, name="analytics-etl", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> None:
    from tqdm import tqdm

    from chat.settings import Config

    parser = argparse.ArgumentParser(prog="python -m analytics.etl", description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--watch", action="store_true", help="load every CHAT_ETL_INTERVAL seconds (default 10)")
    mode.add_argument("--full", action="store_true", help="rebuild the warehouse from scratch")
    args = parser.parse_args(argv)
    config = Config.load()
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    etl = Etl(config.data_dir, config.database_url, native=True)
    if args.full:
        started = time.perf_counter()
        with tqdm(total=etl.session_count(), unit=" sessions", desc="full load") as bar:
            result = etl.rebuild(progress=bar.update)
        print(f"{result.chats} chats loaded in {time.perf_counter() - started:.1f} s -> {etl.paths.pointer}")
    elif args.watch:
        interval = config.etl_interval or 10.0
        print(f"loading every {interval:g} s into {etl.paths.work}; Ctrl-C stops", flush=True)
        while True:
            try:
                result = etl.run()
                if result.changed:
                    log.info("loaded %d chats, removed %d", result.chats, result.removed)
            except duckdb.IOException:
                raise
            except Exception:
                log.exception("analytics load failed; retrying at the next interval")
            time.sleep(interval)
    else:
        result = etl.run()
        print(f"{result.chats} chats loaded, {result.removed} replaced or removed -> {etl.paths.pointer}")
    etl.close()


if __name__ == "__main__":
    main()
