"""Every KPI and chart of the statistics page against values worked out by hand from tests/analytics_fixture."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from analytics import queries
from analytics.drilldown import Drill, chat_list, tiles, transcript
from analytics.filters import Filters
from analytics.snapshot import snapshot_cursor
from tests.analytics_fixture import build

PERIOD = Filters(date(2024, 5, 6), date(2024, 5, 8))  # local days; chat 14 (4 May) is the previous period


@pytest.fixture(scope="module")
def cur(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("warehouse")
    database, etl = build(folder)
    with snapshot_cursor(folder) as cursor:
        yield cursor
    etl.close()
    database.dispose()


def test_kpis_for_the_period(cur: duckdb.DuckDBPyConnection) -> None:
    # 11 chats: 1-9, 12, 13 (10 never queued, 11 is still waiting, 14 is before the period). Chat 4 arrived
    # 22:30 UTC on 7 May = 00:30 on 8 May in Stockholm, inside the period.
    assert queries.kpis(cur, PERIOD) == pytest.approx({
        "chats": 11,
        "answered_pct": 100 * 6 / 11,  # answered: 1, 2, 3, 4, 12, 13
        "missed": 2,  # 5 (visitor left), 6 (timed out); 7 was closed by staff
        "avg_wait": (30 + 90 + 45 + 150 + 10) / 5,  # 12 was reopened: its wait is unknown
        "p90_wait": 90 + 0.6 * (150 - 90),  # sorted 10, 30, 45, 90, 150; rank 0.9 * 4 = 3.6
        "service_level": 100 * 3 / 10,  # within target: 1 (30<=60), 3 (45<=60), 13 (10<=120); queued: all but 9
        "avg_handle": (300 + 600 + 200 + 400 + 3900 + 60) / 6,
        "avg_first_response": (10 + 20 + 5 + 15 + 8) / 5,  # 13 has no agent message
        "avg_rating": (5 + 3 + 4) / 3,
        "chats_per_agent": 6 / 2,
    })


def test_previous_period_is_the_same_length_just_before(cur: duckdb.DuckDBPyConnection) -> None:
    previous = PERIOD.previous()
    assert (previous.start, previous.end) == (date(2024, 5, 3), date(2024, 5, 5))
    found = queries.kpis(cur, previous)
    assert (found["chats"], found["answered_pct"], found["avg_wait"], found["service_level"]) == (1, 100, 20, 100)


def test_filters_by_channel_and_by_any_agent_who_had_the_chat(cur: duckdb.DuckDBPyConnection) -> None:
    assert queries.kpis(cur, Filters(PERIOD.start, PERIOD.end, channels=(2,)))["chats"] == 4  # 4, 6, 8, 13
    assert queries.kpis(cur, Filters(PERIOD.start, PERIOD.end, agents=(1,)))["chats"] == 4  # 1, 2, 3 (handed on), 12
    assert queries.kpis(cur, Filters(date(2024, 5, 7), date(2024, 5, 7)))["chats"] == 3  # 3, 6, 7: not 4


def test_outcomes_volume_heatmap_ratings_waits(cur: duckdb.DuckDBPyConnection) -> None:
    assert {r["outcome"]: r["chats"] for r in queries.outcomes(cur, PERIOD)} == {
        "answered": 6, "missed_in_queue": 2, "closed_from_queue": 1, "request_from_queue": 1, "offline_request": 1}
    assert {(r["period"].date(), r["channel"]): r["chats"] for r in queries.volume(cur, PERIOD)} == {
        (date(2024, 5, 6), "Support"): 3, (date(2024, 5, 7), "Support"): 2, (date(2024, 5, 7), "Sales"): 1,
        (date(2024, 5, 8), "Sales"): 3, (date(2024, 5, 8), "Support"): 2}
    assert {(r["weekday"], r["hour"]): r["chats"] for r in queries.heatmap(cur, PERIOD)} == {
        (1, 10): 2, (1, 11): 1, (2, 14): 1, (2, 11): 1, (2, 12): 1,
        (3, 0): 1, (3, 11): 1, (3, 12): 1, (3, 13): 1, (3, 16): 1}
    assert [r["chats"] for r in queries.ratings(cur, PERIOD)] == [0, 0, 1, 1, 1]
    assert [r["chats"] for r in queries.wait_distribution(cur, PERIOD)] == [1, 0, 2, 1, 1, 0, 0]
    assert [(r["period"].date(), r["queued"], r["within_target"]) for r in queries.service_level_series(cur, PERIOD)] \
        == [(date(2024, 5, 6), 3, 1), (date(2024, 5, 7), 3, 1), (date(2024, 5, 8), 4, 1)]


def test_agent_table(cur: duckdb.DuckDBPyConnection) -> None:
    table = {r["agent"]: r for r in queries.agent_table(cur, PERIOD)}
    anna, erik = table["Anna Lindqvist"], table["Erik Johansson"]
    assert (anna["chats"], anna["avg_handle"], anna["avg_rating"], anna["ratings"], anna["transfers"]) == \
        (3, pytest.approx((300 + 600 + 3900) / 3), 4.0, 2, 1)  # she handed chat 3 on
    assert anna["avg_first_response"] == pytest.approx((10 + 20 + 8) / 3)
    assert (erik["chats"], erik["avg_handle"], erik["avg_first_response"], erik["transfers"]) == \
        (3, pytest.approx((200 + 400 + 60) / 3), pytest.approx((5 + 15) / 2), 0)  # his transfer was rejected


def test_tiles(cur: duckdb.DuckDBPyConnection) -> None:
    found = tiles(cur, PERIOD, datetime(2024, 5, 8, 12))
    assert found["busiest_hour"] == {"hour": 11, "chats": 3}  # 5, 6, 12
    assert found["best_agent"]["agent"] == "Anna Lindqvist"  # the only one with 3 ratings in May: 5, 3, 2
    assert found["best_agent"]["avg_rating"] == pytest.approx(10 / 3)
    assert [(r["month"].date(), r["chats"]) for r in found["per_month"]] == [(date(2024, 5, 1), 12)]


def _count(cur: duckdb.DuckDBPyConnection, **drill: Any) -> int:
    return chat_list(cur, PERIOD, Drill.from_dict(drill))[0]


def test_every_drill_down_lists_exactly_the_chats_counted(cur: duckdb.DuckDBPyConnection) -> None:
    for row in queries.volume(cur, PERIOD):
        assert _count(cur, period=row["period"].isoformat(), channel_id=row["channel_id"]) == row["chats"]
    for row in queries.heatmap(cur, PERIOD):
        assert _count(cur, weekday=row["weekday"], hour=row["hour"]) == row["chats"]
    for row in queries.outcomes(cur, PERIOD):
        assert _count(cur, outcome=row["outcome"]) == row["chats"]
    for row in queries.ratings(cur, PERIOD):
        assert _count(cur, rating=row["rating"]) == row["chats"]
    for row in queries.wait_distribution(cur, PERIOD):
        assert _count(cur, wait_bin=row["bin"]) == row["chats"]
    for row in queries.service_level_series(cur, PERIOD):
        assert _count(cur, period=row["period"].isoformat(), queued=True) == row["queued"]
    for row in queries.agent_table(cur, PERIOD):
        assert _count(cur, agent_id=row["agent_id"]) == row["chats"]
    total, listed = chat_list(cur, PERIOD, Drill(weekday=1, hour=10))
    assert (total, sorted(r["chat_id"] for r in listed)) == (2, [1, 2])


def test_drill_refuses_what_no_chart_sends() -> None:
    for bad in ({"outcome": "won"}, {"sql": "1"}, {"wait_bin": 99}, {"period": "not a date"}):
        with pytest.raises(ValueError):
            Drill.from_dict(bad)


def test_transcript_in_order_with_the_chat_facts(cur: duckdb.DuckDBPyConnection) -> None:
    found = transcript(cur, 3)
    assert found is not None
    assert found["chat"]["agent_ids"] == [1, 2] and found["chat"]["transfers"] == 1
    assert (found["chat"]["visitor_messages"], found["chat"]["agent_messages"]) == (4, 5)
    assert [m["seq"] for m in found["messages"]] == list(range(1, 10))
    assert transcript(cur, 11) is None  # still in the queue: not history yet


def test_loaded_at_and_options(cur: duckdb.DuckDBPyConnection) -> None:
    assert queries.loaded_at(cur) is not None
    assert queries.reporting_zone(cur) == "Europe/Stockholm"
    assert [c["name"] for c in queries.options(cur)["channels"]] == ["Sales", "Support"]


def test_presence_intervals(tmp_path: Path, cur: duckdb.DuckDBPyConnection) -> None:
    intervals = cur.execute("SELECT agent_id, started_at, ended_at FROM presence_intervals ORDER BY 1").fetchall()
    assert intervals == [(1, datetime(2024, 5, 6, 9), datetime(2024, 5, 6, 12)),
                         (2, datetime(2024, 5, 6, 10, 30), datetime(2024, 5, 6, 11))]
