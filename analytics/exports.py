"""Manager exports: one row per chat (CSV, XLSX, Parquet) and the aggregate table (CSV, XLSX).

Files are written to a temporary path off the event loop and then streamed to the browser with their
length, so large downloads show real progress. Text cells that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) get a leading apostrophe in CSV and XLSX; XLSX cells are
also always written as text, never as formulas. Parquet is for data tools and keeps the values exact.
Columns and units: analytics.schema.EXPORT_COLUMNS (and docs/statistics.md).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from analytics import xlsx
from analytics.filters import Filters
from analytics.queries import FROM, aggregate_table
from analytics.schema import EXPORT_COLUMNS

CHAT_FORMATS = ("csv", "xlsx", "parquet")
SUMMARY_FORMATS = ("csv", "xlsx")
TEXT_COLUMNS = ("channel", "agent", "agents", "contact", "company", "visitor_name", "visitor_email", "rating_comment")
TIME_COLUMNS = ("requested_at", "started_at", "ended_at", "requested_local")
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_BATCH = 50_000


def neutralise(value: Any) -> Any:
    """'=1+1' -> "'=1+1"; everything that is not risky text is returned unchanged."""
    if isinstance(value, str) and value.startswith(RISKY_STARTS):
        return "'" + value
    return value


def _sql_neutralise(column: str) -> str:
    starts = ", ".join("'" + s.replace("'", "''") + "'" for s in RISKY_STARTS).replace("\t", "' || chr(9) || '")
    starts = starts.replace("\r", "' || chr(13) || '")
    return f"CASE WHEN left({column}, 1) IN ({starts}) THEN '''' || {column} ELSE {column} END"


def _kind(name: str, unit: str) -> str:
    if name in TIME_COLUMNS:
        return "time"
    return "text" if name in TEXT_COLUMNS or name in ("language", "outcome") else "number"


def chat_columns(*, spreadsheet: bool) -> list[tuple[str, str, str]]:
    """(name, SQL expression, cell kind) of every exported per-chat column."""
    source = {
        "chat_id": "c.chat_id", "channel": "ch.name", "agent": "a.display_name",
        "agents": "array_to_string(list_transform(c.agent_ids, lambda i: coalesce(names.m[i], 'Agent ' || i)), ', ')",
        **{name: f"round(c.{name}, 1)" for name in ("wait_seconds", "first_response_seconds", "handle_seconds")},
        **{name: f"date_trunc('second', c.{name})" for name in TIME_COLUMNS},
    }
    columns = []
    for name, unit, _ in EXPORT_COLUMNS:
        expression = source.get(name, f"c.{name}")
        if spreadsheet and name in TEXT_COLUMNS:
            expression = _sql_neutralise(expression)
        columns.append((name, expression, _kind(name, unit)))
    return columns


def chats_sql(f: Filters, select: str) -> tuple[str, list[Any]]:
    where, params = f.where()
    return (f"WITH names AS (SELECT map(list(agent_id), list(display_name)) AS m FROM agents) "
            f"SELECT {select} {FROM} LEFT JOIN agents a ON a.agent_id = c.agent_id CROSS JOIN names "
            f"WHERE {where} ORDER BY c.requested_at, c.chat_id"), params


def count_chats(cur: duckdb.DuckDBPyConnection, f: Filters) -> int:
    where, params = f.where()
    row = cur.execute(f"SELECT count(*) {FROM} WHERE {where}", params).fetchall()[0]
    return int(row[0]) if row else 0


def write_chats(cur: duckdb.DuckDBPyConnection, f: Filters, path: Path, fmt: str) -> Path:
    if fmt not in CHAT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    columns = chat_columns(spreadsheet=fmt != "parquet")
    if fmt == "xlsx":
        sql, params = chats_sql(f, xlsx.sql_row([(expression, kind) for _, expression, kind in columns]))
        reader = cur.sql(sql, params=params).to_arrow_reader(XLSX_BATCH)
        xlsx.write(path, "Chats", [name for name, _, _ in columns],
                   ("".join(batch.column(0).to_pylist()) for batch in reader))
        return path
    sql, params = chats_sql(f, ", ".join(f"{expression} AS {name}" for name, expression, _ in columns))
    relation = cur.sql(sql, params=params)
    if fmt == "csv":
        relation.write_csv(str(path), header=True)
    else:
        relation.write_parquet(str(path), compression="zstd")
    return path


SUMMARY_COLUMNS = ("period", "channel", "chats", "answered", "missed", "service_level_pct", "avg_wait_seconds",
                   "avg_handle_seconds", "avg_first_response_seconds", "avg_rating")


def write_summary(cur: duckdb.DuckDBPyConnection, f: Filters, path: Path, fmt: str) -> Path:
    """The aggregate table (one row per period and channel) as CSV or XLSX."""
    if fmt not in SUMMARY_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    values = [[neutralise(row[name]) for name in SUMMARY_COLUMNS] for row in aggregate_table(cur, f)]
    if fmt == "xlsx":
        xlsx.write(path, "Summary", SUMMARY_COLUMNS,
                   ["<row>" + "".join(xlsx.cell(v) for v in row) + "</row>" for row in values])
        return path
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(SUMMARY_COLUMNS)
        writer.writerows(values)
    return path


def stream_file(path: Path, prefix: bytes = b"", chunk: int = 1 << 20) -> Iterator[bytes]:
    """The file's bytes in chunks, then the file is removed."""
    try:
        if prefix:
            yield prefix
        with path.open("rb") as data:
            while block := data.read(chunk):
                yield block
    finally:
        path.unlink(missing_ok=True)


def file_size(path: Path) -> int:
    return os.stat(path).st_size
