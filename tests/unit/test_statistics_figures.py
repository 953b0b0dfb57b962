"""The statistics page's figures (plain Plotly dicts) and tables on the hand-made fixture: what each bar says
and the drill-down each clickable point carries, the overview the page's layout is built with, table pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest

from analytics.drilldown import Drill, chat_list
from analytics.filters import Filters
from analytics.snapshot import snapshot_cursor
from pages import _statistics_data as data
from pages import _statistics_figures as figures
from pages import _statistics_render as statistics
from pages import _statistics_tables as tables
from pages._statistics_texts import texts
from tests.analytics_fixture import build

PERIOD = Filters(date(2024, 5, 6), date(2024, 5, 8))
PARAMS = {"preset": "custom", "from": "2024-05-06", "to": "2024-05-08"}


def cells(row: Any) -> list[str]:
    """The text of each cell of a table row (or of each part of a bar), buttons opened up."""
    found = []
    for part in row.children:
        inner = getattr(part, "children", part)
        found.append(inner.children if hasattr(inner, "children") else inner)
    return found


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("warehouse")
    database, etl = build(folder)
    yield folder
    etl.close()
    database.dispose()


def test_the_overview_as_the_layout_shows_it(folder: Path) -> None:
    found = data.overview(folder, PARAMS)
    assert found is not None and found["filters"] == PERIOD
    values = dict(zip(statistics.OVERVIEW, statistics.overview_values(found, texts("en"), "en"), strict=True))
    volume = values[("stats-volume", "figure")]
    # chats per day and channel, worked out from the fixture (see test_analytics_kpis): Sales 1, 3; Support 3, 2, 2
    assert {trace["name"]: trace["y"] for trace in volume["data"]} == {"Sales": [1, 3], "Support": [3, 2, 2]}
    outcomes = values[("stats-outcomes", "figure")]["data"][0]
    assert outcomes["y"] == [6, 2, 1, 1, 1]  # answered first: sorted by count
    assert values[("stats-export-rows", "children")] == "11 chats match the filters."
    agents = values[("stats-agent-rows", "children")]  # a click on a row drills down to that agent's chats
    assert [row.id for row in agents] == [{"type": "stats-agent-row", "agent": 1},
                                          {"type": "stats-agent-row", "agent": 2}]
    assert [cells(row) for row in agents] == [["Anna Lindqvist", "3", "26 min 40 s", "13 s", "4.00 (2)", "1"],
                                              ["Erik Johansson", "3", "3 min 40 s", "10 s", "4.00 (1)", "0"]]
    assert values[("stats-agent-range", "children")] == "Rows 1–2 of 2"
    head, body = values[("stats-summary-table", "children")]
    assert cells(head.children) == ["period", "channel", "chats", "answered", "missed", "service_level_pct",
                                    "avg_wait_seconds", "avg_handle_seconds", "avg_first_response_seconds",
                                    "avg_rating"]
    assert cells(body.children[0]) == ["2024-05-06", "Support", "3", "2", "1", "33.3", "60", "450", "15", "4"]
    assert cells(body.children[2])[5:] == ["50", "45", "200", "5", ""]  # a whole number as the browser shows it
    assert values[("stats-summary-range", "children")] == "Rows 1–5 of 5"
    assert values[("stats-summary-next", "disabled")] and values[("stats-summary-prev", "disabled")]
    options = dict(zip(statistics.OPTIONS, statistics.option_values(found["options"]), strict=True))
    assert [o["label"] for o in options[("stats-channels", "options")]] == ["Sales", "Support"]


def test_every_point_drills_down_to_the_chats_it_counts(folder: Path) -> None:
    found = data.overview(folder, PARAMS)
    assert found is not None
    t = texts("en")
    charts = [figures.volume(found["volume"], t), figures.wait_distribution(found["wait"], t),
              figures.outcomes(found["outcomes"], t), figures.ratings(found["ratings"], t)]
    with snapshot_cursor(folder) as cur:
        for figure in charts:
            for trace in figure["data"]:
                for drill, count in zip(trace["customdata"], trace["y"], strict=True):
                    assert chat_list(cur, PERIOD, Drill.from_dict(json.loads(drill)))[0] == count
        cells = figures.heatmap(found["heatmap"], t)["data"][0]
        for drills, counts in zip(cells["customdata"], cells["z"], strict=True):
            for drill, count in zip(drills, counts, strict=True):
                assert chat_list(cur, PERIOD, Drill.from_dict(json.loads(drill)))[0] == count


def test_drill_lists_turn_pages_of_fifteen_newest_first(folder: Path) -> None:
    with snapshot_cursor(folder) as cur:
        _, listed = chat_list(cur, PERIOD, Drill())
    t = texts("sv")
    many = listed * 4  # 44 rows: three pages
    rows, text, previous_off, next_off, page = tables.drill_page(many, 2, t, "sv")
    assert (len(rows), text, previous_off, next_off, page) == (14, "Rader 31–44 av 44", False, True, 2)
    assert tables.drill_page(many, 7, t, "sv")[1:] == ("Rader 31–44 av 44", False, True, 2)  # clamped
    first = tables.drill_page(listed, 0, texts("en"), "en")[0]
    assert first[0].id == {"type": "stats-drill-row", "chat": listed[0]["chat_id"]}
    times = [cells(row)[0] for row in first]
    assert times == sorted(times, reverse=True)
    assert tables.drill_page([], 0, t, "sv")[1:] == ("", True, True, 0)


def test_chats_per_month_shows_months_without_chats_too() -> None:
    rows = [{"month": datetime(2024, 11, 1), "chats": 40}, {"month": datetime(2025, 2, 1), "chats": 1000}]
    _, bars = statistics.month_bars(rows, texts("en"), "en")
    assert [cells(bar)[::2] for bar in bars.children] == [["40", "2024-11"], ["0", "2024-12"], ["0", "2025-01"],
                                                          ["1\u202f000", "2025-02"]]
    assert bars.children[-1].children[1].style == {"height": "110px"}


def test_the_figures_are_valid_plotly(folder: Path) -> None:
    found = data.overview(folder, PARAMS)
    assert found is not None
    t = texts("en")
    for figure in (figures.volume(found["volume"], t), figures.service_level(found["service_level"], t),
                   figures.heatmap(found["heatmap"], t)):
        go.Figure(figure)  # raises on any property Plotly does not know
