"""Date presets, the previous period and the URL form of the statistics filters."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.filters import Filters, parse, preset_range

TODAY = date(2024, 3, 31)  # a Sunday, the last day of a 31-day month


@pytest.mark.parametrize(("preset", "start", "end"), [
    ("today", date(2024, 3, 31), date(2024, 3, 31)), ("yesterday", date(2024, 3, 30), date(2024, 3, 30)),
    ("last_7_days", date(2024, 3, 25), date(2024, 3, 31)), ("last_30_days", date(2024, 3, 2), date(2024, 3, 31)),
    ("this_month", date(2024, 3, 1), date(2024, 3, 31)), ("last_month", date(2024, 2, 1), date(2024, 2, 29)),
])
def test_presets(preset: str, start: date, end: date) -> None:
    assert preset_range(preset, TODAY) == (start, end)


def test_previous_period() -> None:
    week = parse({"preset": "last_7_days"}, TODAY).previous()
    assert (week.start, week.end) == (date(2024, 3, 18), date(2024, 3, 24))
    month = parse({"preset": "this_month"}, date(2024, 3, 30)).previous()  # 1-30 March vs 1-29 February
    assert (month.start, month.end) == (date(2024, 2, 1), date(2024, 2, 29))
    last = parse({"preset": "last_month"}, TODAY).previous()
    assert (last.start, last.end) == (date(2024, 1, 1), date(2024, 1, 29))


def test_url_round_trip_and_bad_input_falls_back() -> None:
    shared = Filters(date(2024, 1, 5), date(2024, 2, 4), channels=(1, 3), agents=(7,), granularity="week")
    assert parse(shared.query(), TODAY) == shared
    assert parse({"preset": "last_7_days", "granularity": "hour"}, TODAY).granularity == "hour"
    assert parse({"preset": "today"}, TODAY).granularity == "hour"
    for bad in ({"preset": "custom", "from": "2024-02-01", "to": "2024-01-01"}, {"preset": "nope"},
                {"preset": "custom", "from": "x", "to": "y"}, {"channels": "1,a"}, {"granularity": "year"}):
        assert parse(bad, TODAY).preset == "last_7_days"
