"""The staffing planner: per channel and hour of the week, load from history and agents from Erlang C.

For each (ISO weekday, local hour) of the chosen days: arrivals per hour = chats that arrived in that hour
of the week / how many such hours the period had; handle time = the average of answered chats in that
hour (the channel's overall average when fewer than MIN_ANSWERED were answered there). Against it: the
agents who were Present (presence intervals, members who can respond) and the agents who had chats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from analytics import erlang
from analytics.queries import rows

MIN_ANSWERED = 5


@dataclass(frozen=True)
class PlanHour:
    weekday: int  # ISO, 1 = Monday
    hour: int
    arrivals_per_hour: float
    handle_seconds: float | None
    needed: int
    expected_wait: float | None  # seconds, with `needed` agents
    present: float  # average agents Present in that hour
    active: float  # average agents who had a chat in that hour
    wait_as_staffed: float | None  # seconds, with the agents present (None: no arrivals; inf: too few)


def occurrences(start: date, end: date) -> dict[int, int]:
    counts = dict.fromkeys(range(1, 8), 0)
    day = start
    while day <= end:
        counts[day.isoweekday()] += 1
        day += timedelta(days=1)
    return counts


def _load(cur: duckdb.DuckDBPyConnection, channel_id: int, low: datetime, high: datetime) -> dict[str, Any]:
    params = [channel_id, low, high]
    arrivals = rows(cur, """SELECT isodow(requested_local) AS weekday, hour(requested_local) AS hour,
            count(*) AS chats, count(*) FILTER (WHERE outcome = 'answered') AS answered,
            avg(handle_seconds) FILTER (WHERE outcome = 'answered') AS handle
        FROM chats WHERE channel_id = ? AND requested_local >= ? AND requested_local < ? GROUP BY ALL""", params)
    overall = cur.execute("""SELECT avg(handle_seconds) FROM chats WHERE channel_id = ? AND requested_local >= ?
        AND requested_local < ? AND outcome = 'answered'""", params).fetchall()[0]
    present = rows(cur, """
        WITH zone AS (SELECT time_zone FROM channels WHERE channel_id = ?),
        spans AS (SELECT timezone((SELECT time_zone FROM zone), CAST(p.started_at AS TIMESTAMPTZ)) AS s,
                         timezone((SELECT time_zone FROM zone), CAST(p.ended_at AS TIMESTAMPTZ)) AS e
                  FROM presence_intervals p JOIN memberships m ON m.agent_id = p.agent_id
                  WHERE m.channel_id = ? AND m.can_respond),
        clipped AS (SELECT greatest(s, ?) AS s, least(e, ?) AS e FROM spans WHERE e > ? AND s < ?),
        slots AS (SELECT s, e, unnest(generate_series(date_trunc('hour', s), e, INTERVAL 1 HOUR)) AS h FROM clipped)
        SELECT isodow(h) AS weekday, hour(h) AS hour,
               sum(date_diff('second', greatest(s, h), least(e, h + INTERVAL 1 HOUR))) / 3600.0 AS agent_hours
        FROM slots WHERE least(e, h + INTERVAL 1 HOUR) > greatest(s, h) GROUP BY ALL""",
                   [channel_id, channel_id, low, high, low, high])
    active = rows(cur, """
        WITH spans AS (SELECT agent_id, requested_local + (started_at - requested_at) AS s,
                              requested_local + (ended_at - requested_at) AS e
                       FROM chats WHERE channel_id = ? AND outcome = 'answered'
                         AND requested_local >= ? AND requested_local < ?),
        slots AS (SELECT DISTINCT agent_id, unnest(generate_series(date_trunc('hour', s), e, INTERVAL 1 HOUR)) AS h
                  FROM spans WHERE e > s)
        SELECT isodow(h) AS weekday, hour(h) AS hour, count(*) AS agent_slots FROM slots
        WHERE h >= ? AND h < ? GROUP BY ALL""", [*params, low, high])
    return {"arrivals": arrivals, "overall": overall[0] if overall else None, "present": present, "active": active}


def plan(cur: duckdb.DuckDBPyConnection, channel_id: int, start: date, end: date, *,
         target_level: float = 0.8, target_seconds: float = 60) -> list[PlanHour]:
    """168 rows, Monday 00 to Sunday 23, for `channel_id` over the local days start..end."""
    low = datetime.combine(start, datetime.min.time())
    high = datetime.combine(end + timedelta(days=1), datetime.min.time())
    data = _load(cur, channel_id, low, high)
    weeks = occurrences(start, end)
    arrivals = {(r["weekday"], r["hour"]): r for r in data["arrivals"]}
    present = {(r["weekday"], r["hour"]): r["agent_hours"] for r in data["present"]}
    active = {(r["weekday"], r["hour"]): r["agent_slots"] for r in data["active"]}
    result: list[PlanHour] = []
    for weekday in range(1, 8):
        for hour in range(24):
            key, count = (weekday, hour), weeks[weekday] or 1
            found = arrivals.get(key, {"chats": 0, "answered": 0, "handle": None})
            rate = found["chats"] / count
            handle = found["handle"] if found["answered"] >= MIN_ANSWERED else data["overall"]
            staffed = present.get(key, 0.0) / count
            needed, expected, as_staffed = 0, None, None
            if rate and handle:
                needed = erlang.agents_needed(rate, handle, target_level, target_seconds)
                load = erlang.traffic(rate, handle)
                expected = erlang.average_wait(needed, load, handle)
                as_staffed = erlang.average_wait(math.floor(staffed), load, handle)
            result.append(PlanHour(weekday, hour, rate, handle, needed, expected, staffed,
                                   active.get(key, 0) / count, as_staffed))
    return result
