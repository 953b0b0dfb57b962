"""Erlang C against published values, and the staffing planner on the hand-made fixture."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from analytics import erlang
from analytics.snapshot import snapshot_cursor
from analytics.staffing import occurrences, plan
from tests.analytics_fixture import build


def test_closed_forms_for_one_and_two_servers() -> None:
    # Kleinrock, Queueing Systems Vol. 1 (1975), M/M/1: P(wait) = ρ, W = ρ / (μ - λ);
    # M/M/2: P(wait) = 2ρ² / (1 + ρ) with ρ = A / 2.
    assert erlang.erlang_c(1, 0.5) == pytest.approx(0.5)
    assert erlang.average_wait(1, 0.5, 60) == pytest.approx(60)  # λ = 1/120 s, μ = 1/60 s: 0.5 / (1/120)
    assert erlang.erlang_c(2, 1.0) == pytest.approx(2 * 0.5**2 / 1.5)
    assert erlang.erlang_b(1, 1.0) == pytest.approx(0.5)  # Erlang B, one line, one erlang


def test_the_call_centre_helper_worked_example() -> None:
    # Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example": 100 calls in
    # 30 minutes, 180 s average handle time -> 10 erlangs; probability of waiting with 11..14 agents is
    # 68.21 %, 44.94 %, 28.53 %, 17.41 %; 80 % within 20 s needs 14 agents (13 give 79.6 %).
    traffic = erlang.traffic(200, 180)
    assert traffic == pytest.approx(10)
    for agents, waiting in ((11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741)):
        assert erlang.erlang_c(agents, traffic) == pytest.approx(waiting, abs=5e-5)
    assert erlang.service_level(13, traffic, 180, 20) == pytest.approx(0.796, abs=5e-4)
    assert erlang.agents_needed(200, 180, 0.8, 20) == 14


def test_the_textbook_curve_value_and_the_table_for_two_and_a_half_erlangs() -> None:
    # 120 customers an hour, 3 minutes each, 10 servers: "from the Erlang C curve, the probability of
    # waiting is about 0.10" (a = 6). Erlang C tables for A = 2.5: 13.04 % with 5 agents, 4.74 % with 6.
    assert erlang.erlang_c(10, 6) == pytest.approx(0.10, abs=0.005)
    assert erlang.erlang_c(5, 2.5) == pytest.approx(0.1304, abs=5e-5)
    assert erlang.erlang_c(6, 2.5) == pytest.approx(0.0474, abs=5e-5)


def test_the_live_estimate_per_place_is_the_same_model_as_the_average_wait() -> None:
    # Call Centre Helper's example again (A = 10 E, AHT 180 s): the published probabilities of waiting
    # give ASA = C · AHT / (N - A): 122.8 s with 11 agents, 7.8 s with 14. In the M/M/N queue a visitor
    # who waits finds k - 1 ahead with probability (1 - ρ) ρ^(k-1), ρ = A / N; averaging the live
    # estimate k · AHT / N over those places and weighting by C must give the same ASA.
    for agents, waiting, asa in ((11, 0.6821, 122.8), (14, 0.1741, 7.8)):
        rho = 10 / agents
        per_place = [erlang.queue_wait_estimate(k, agents, 180) for k in range(1, 2_000)]
        mean_if_waiting = sum((1 - rho) * rho ** (k - 1) * w for k, w in enumerate(per_place, 1) if w is not None)
        assert waiting * mean_if_waiting == pytest.approx(asa, abs=0.05)
        assert erlang.average_wait(agents, 10, 180) == pytest.approx(asa, abs=0.05)


def test_edges() -> None:
    assert erlang.erlang_c(3, 3) == 1.0 and erlang.average_wait(3, 3, 60) == math.inf
    assert erlang.service_level(2, 0, 60, 20) == 1.0 and erlang.agents_needed(0, 300, 0.8, 60) == 0
    with pytest.raises(ValueError):
        erlang.agents_needed(10, 300, 1.0, 60)
    assert erlang.queue_wait_estimate(3, 2, 300) == 450  # three completions at 2 / 300 s
    assert erlang.queue_wait_estimate(1, 0, 300) is None


def test_staffing_plan_on_the_fixture(tmp_path: Path) -> None:
    database, etl = build(tmp_path)
    assert occurrences(date(2024, 5, 6), date(2024, 5, 12)) == dict.fromkeys(range(1, 8), 1)
    with snapshot_cursor(tmp_path) as cur:
        hours = {(h.weekday, h.hour): h for h in plan(cur, 1, date(2024, 5, 6), date(2024, 5, 6))}
    assert len(hours) == 168
    ten = hours[(1, 10)]  # chats 1 and 2 arrived Monday 10-11 local; too few answered for their own AHT,
    assert (ten.arrivals_per_hour, ten.handle_seconds) == (2, (300 + 600) / 2)  # so the channel's is used
    # A = 2 · 450 / 3600 = 0.25 E. One agent: C = 0.25, SL(60 s) = 1 - 0.25·e^(-0.75·60/450) = 77.4 % < 80 %;
    # two agents: C = 0.0278, SL = 97.8 %.
    assert ten.needed == 2
    assert ten.active == 1  # Anna had both chats
    # Anna Present 11-14 local, Erik 12:30-13:00: agent-hours per hour of that Monday.
    assert [hours[(1, h)].present for h in (10, 11, 12, 13, 14)] == [0, 1, 1.5, 1, 0]
    assert hours[(1, 11)].wait_as_staffed == pytest.approx(erlang.average_wait(1, 1 * 450 / 3600, 450))
    etl.close()
    database.dispose()
