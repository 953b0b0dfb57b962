"""Exports round-trip (CSV, XLSX, Parquet; the aggregate table) and neutralise spreadsheet formulas."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from analytics import exports
from analytics.filters import Filters
from analytics.queries import aggregate_table
from analytics.schema import EXPORT_COLUMNS
from analytics.snapshot import snapshot_cursor
from tests.analytics_fixture import build

PERIOD = Filters(date(2024, 5, 6), date(2024, 5, 8))
NAMES = [name for name, _, _ in EXPORT_COLUMNS]


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("exports")
    database, etl = build(folder)
    with snapshot_cursor(folder) as cursor:
        yield cursor
    etl.close()
    database.dispose()


@pytest.mark.parametrize(("raw", "safe"), [
    ("=1+1", "'=1+1"), ("+46 70 123", "'+46 70 123"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=cmd", "'\t=cmd"), ("\r=cmd", "'\r=cmd"), ("Anna = great", "Anna = great"), ("", ""), (-2, -2), (None, None),
])
def test_neutralise(raw: Any, safe: Any) -> None:
    assert exports.neutralise(raw) == safe


def _parquet(cur: duckdb.DuckDBPyConnection, tmp_path: Path) -> list[dict[str, Any]]:
    return pq.read_table(exports.write_chats(cur, PERIOD, tmp_path / "c.parquet", "parquet")).to_pylist()


def test_parquet_has_one_exact_row_per_chat(cur: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    assert exports.count_chats(cur, PERIOD) == 11  # a query just before an export, as the page does
    rows = _parquet(cur, tmp_path)
    assert [r["chat_id"] for r in rows] == [1, 2, 5, 6, 7, 3, 4, 12, 8, 9, 13]  # by request time (UTC)
    assert list(rows[0]) == NAMES
    first = rows[0]
    assert (first["channel"], first["agent"], first["outcome"], first["wait_seconds"], first["rating"]) == \
        ("Support", "Anna Lindqvist", "answered", 30.0, 5)
    assert first["rating_comment"] == '=HYPERLINK("http://evil")'  # data tools get the exact value
    assert first["requested_at"] == datetime(2024, 5, 6, 8) and first["requested_local"] == datetime(2024, 5, 6, 10)
    assert next(r for r in rows if r["chat_id"] == 3)["agents"] == "Anna Lindqvist, Erik Johansson"


def test_csv_round_trips_with_formulas_neutralised(cur: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    exact = _parquet(cur, tmp_path)
    path = exports.write_chats(cur, PERIOD, tmp_path / "c.csv", "csv")
    with path.open(encoding="utf-8", newline="") as data:
        rows = list(csv.DictReader(data))
    assert list(rows[0]) == NAMES and len(rows) == len(exact)
    for got, want in zip(rows, exact, strict=True):
        for name in NAMES:
            value = exports.neutralise(want[name])
            if value is None:
                assert got[name] == "", name
            elif isinstance(value, datetime):
                assert got[name] == f"{value:%Y-%m-%d %H:%M:%S}", name
            elif isinstance(value, int | float):
                assert float(got[name]) == value, name
            else:
                assert got[name] == value, name
    by_id = {r["chat_id"]: r for r in rows}
    assert by_id["1"]["rating_comment"] == "'=HYPERLINK(\"http://evil\")"
    assert by_id["2"]["company"] == "'-Dash AB"
    assert by_id["4"]["rating_comment"] == "'+46 said hi"


def test_xlsx_round_trips_as_typed_cells_never_formulas(cur: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    exact = _parquet(cur, tmp_path)
    book = openpyxl.load_workbook(exports.write_chats(cur, PERIOD, tmp_path / "c.xlsx", "xlsx"))
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == NAMES
    assert [dict(zip(NAMES, row, strict=True)) for row in rows[1:]] == [
        {name: exports.neutralise(value) for name, value in row.items()} for row in exact]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_aggregate_table_round_trips(cur: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    table = aggregate_table(cur, PERIOD)
    assert [(r["period"].date(), r["channel"], r["chats"]) for r in table][:2] == [
        (date(2024, 5, 6), "Support", 3), (date(2024, 5, 7), "Sales", 1)]
    with exports.write_summary(cur, PERIOD, tmp_path / "s.csv", "csv").open(encoding="utf-8", newline="") as data:
        from_csv = list(csv.DictReader(data))
    assert [(r["channel"], int(r["chats"]), r["service_level_pct"]) for r in from_csv] == [
        (r["channel"], r["chats"], "" if r["service_level_pct"] is None else str(r["service_level_pct"]))
        for r in table]
    sheet = openpyxl.load_workbook(exports.write_summary(cur, PERIOD, tmp_path / "s.xlsx", "xlsx")).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == exports.SUMMARY_COLUMNS
    assert [list(r) for r in rows[1:]] == [[row[n] for n in exports.SUMMARY_COLUMNS] for row in table]


def test_stream_file_sends_everything_then_removes_it(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"a" * 3_000_000)
    assert b"".join(exports.stream_file(path, b"\xef\xbb\xbf")) == b"\xef\xbb\xbf" + b"a" * 3_000_000
    assert not path.exists()
