"""The statistics page's figures (plain Plotly dicts) on the hand-made fixture: what each bar says and the
drill-down each clickable point carries, and the overview the page's layout is built with."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import pytest

from analytics.drilldown import Drill, chat_list
from analytics.filters import Filters
from analytics.snapshot import snapshot_cursor
from pages import _statistics_data as data
from pages import _statistics_figures as figures
from pages import _statistics_render as statistics
from pages._statistics_texts import texts
from tests.analytics_fixture import build

PERIOD = Filters(date(2024, 5, 6), date(2024, 5, 8))
PARAMS = {"preset": "custom", "from": "2024-05-06", "to": "2024-05-08"}


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


def test_the_figures_are_valid_plotly(folder: Path) -> None:
    found = data.overview(folder, PARAMS)
    assert found is not None
    t = texts("en")
    for figure in (figures.volume(found["volume"], t), figures.service_level(found["service_level"], t),
                   figures.heatmap(found["heatmap"], t), figures.per_month(found["tiles"]["per_month"], t)):
        go.Figure(figure)  # raises on any property Plotly does not know
