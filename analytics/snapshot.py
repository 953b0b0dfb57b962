"""Published snapshots: the loader's file is copied after a CHECKPOINT and readers only ever open copies.

DuckDB lets one process write a file and locks everyone else out, so readers never touch the loader's file.
Each publication is a new file under `analytics-snapshots/`; the symlink `analytics-snapshot.duckdb` is then
swapped to it with `os.replace` (atomic). Readers resolve the link and keep one read-only connection per
snapshot file (DuckDB caches database instances by path, so a file is never replaced in place).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb

KEEP_SNAPSHOTS = 3
T = TypeVar("T")


class NoSnapshotError(Exception):
    """No load has been published yet."""


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def work(self) -> Path:
        return self.data_dir / "analytics.duckdb"

    @property
    def pointer(self) -> Path:
        return self.data_dir / "analytics-snapshot.duckdb"

    @property
    def snapshots(self) -> Path:
        return self.data_dir / "analytics-snapshots"

    @property
    def status(self) -> Path:
        return self.data_dir / "analytics-status.json"


def publish(con: duckdb.DuckDBPyConnection, paths: Paths) -> Path:
    """Copy the checkpointed work file to a new snapshot and point the link at it."""
    con.execute("CHECKPOINT")
    paths.snapshots.mkdir(parents=True, exist_ok=True)
    target = paths.snapshots / f"{time.time_ns()}.duckdb"
    partial = target.with_suffix(".partial")
    shutil.copyfile(paths.work, partial)
    os.replace(partial, target)
    link = paths.pointer.with_name(paths.pointer.name + ".new")
    link.unlink(missing_ok=True)
    link.symlink_to(target.relative_to(paths.data_dir))
    os.replace(link, paths.pointer)
    for old in sorted(paths.snapshots.glob("*.duckdb"))[:-KEEP_SNAPSHOTS]:
        old.unlink(missing_ok=True)  # readers that still have it open keep their inode
    return target


def write_status(paths: Paths, **fields: Any) -> None:
    partial = paths.status.with_suffix(".partial")
    partial.write_text(json.dumps(fields, default=str))
    os.replace(partial, paths.status)


def read_status(paths: Paths) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads(paths.status.read_text())
        return loaded
    except (OSError, ValueError):
        return {}


_readers: dict[str, duckdb.DuckDBPyConnection] = {}


def _reader(target: str) -> duckdb.DuckDBPyConnection:
    connection = _readers.get(target)
    if connection is None:
        connection = _readers.setdefault(target, duckdb.connect(target, read_only=True))
        for stale in [path for path in _readers if path != target][:-1]:
            _readers.pop(stale, None)  # in-flight queries hold their own reference
    return connection


@contextmanager
def snapshot_cursor(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the newest published snapshot; raises NoSnapshotError before the first load."""
    paths = Paths(data_dir)
    for attempt in range(3):
        target = os.path.realpath(paths.pointer)
        if not os.path.exists(target):
            if not paths.pointer.is_symlink():
                raise NoSnapshotError("the statistics are being prepared")
            continue  # pruned between resolving and opening: resolve again
        try:
            connection = _reader(target)
        except duckdb.IOException:
            if attempt == 2:
                raise
            continue
        cursor = connection.cursor()
        try:
            cursor.execute("SET TimeZone = 'UTC'")
            yield cursor
        finally:
            cursor.close()
        return
    raise NoSnapshotError("the statistics are being prepared")


def run_off_loop(function: Callable[..., T], *args: Any) -> T:
    """Run blocking C work (DuckDB, big exports) in gevent's native thread pool when gevent is serving."""
    try:
        from gevent import get_hub, monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return function(*args)
    if monkey.is_module_patched("threading"):
        result: T = get_hub().threadpool.apply(function, args)
        return result
    return function(*args)
