"""Read-only statistics over a published snapshot; every function takes a DuckDB cursor and the filters.

Definitions (docs/statistics.md repeats them for managers):
- chats: every finished chat request (all five outcomes); answered %: answered / chats.
- missed: visitors who left the queue unanswered (outcome missed_in_queue).
- wait (average, 90th percentile with linear interpolation): answered chats, queue time until answered.
- service level: chats answered within their channel's `service_level_seconds` / chats that were queued.
- handle time and first response: answered chats; rating: rated chats.
- chats per agent: answered chats / agents who ended at least one of them.
"""

from __future__ import annotations

from typing import Any

import duckdb

from analytics.filters import GRANULARITIES, Filters
from analytics.schema import QUEUED_OUTCOMES

FROM = "FROM chats c JOIN channels ch ON ch.channel_id = c.channel_id"
QUEUED = "c.outcome IN (" + ", ".join(f"'{o}'" for o in QUEUED_OUTCOMES) + ")"
WITHIN = "c.outcome = 'answered' AND c.wait_seconds <= ch.service_level_seconds"
WAIT_BINS: tuple[tuple[float, float, str], ...] = (
    (0, 15, "0–15 s"), (15, 30, "15–30 s"), (30, 60, "30–60 s"), (60, 120, "1–2 min"),
    (120, 300, "2–5 min"), (300, 600, "5–10 min"), (600, float("inf"), "10+ min"),
)
KPI_SQL = f"""
SELECT count(*) AS chats,
       count(*) FILTER (WHERE c.outcome = 'answered') AS answered,
       count(*) FILTER (WHERE c.outcome = 'missed_in_queue') AS missed,
       count(*) FILTER (WHERE {QUEUED}) AS queued,
       count(*) FILTER (WHERE {WITHIN}) AS within_target,
       avg(c.wait_seconds) FILTER (WHERE c.outcome = 'answered') AS avg_wait,
       quantile_cont(c.wait_seconds, 0.9) FILTER (WHERE c.outcome = 'answered') AS p90_wait,
       avg(c.handle_seconds) FILTER (WHERE c.outcome = 'answered') AS avg_handle,
       avg(c.first_response_seconds) FILTER (WHERE c.outcome = 'answered') AS avg_first_response,
       avg(c.rating) AS avg_rating,
       count(DISTINCT c.agent_id) FILTER (WHERE c.outcome = 'answered') AS agents
{FROM} WHERE """
KPI_NAMES = ("chats", "answered_pct", "missed", "avg_wait", "p90_wait", "service_level", "avg_handle",
             "avg_first_response", "avg_rating", "chats_per_agent")


def rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """All rows as dicts. Results are always read to the end: DuckDB refuses new work on a cursor
    while a result is half read (so `fetchone()` is never used on reader cursors)."""
    result = cur.execute(sql, params)
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def period(f: Filters) -> str:
    if f.granularity not in GRANULARITIES:
        raise ValueError(f.granularity)
    return f"date_trunc('{f.granularity}', c.requested_local)"


def ratio(part: float | None, whole: float | None, scale: float = 100.0) -> float | None:
    return None if not whole or part is None else scale * part / whole


def kpis(cur: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, float | None]:
    where, params = f.where()
    raw = rows(cur, KPI_SQL + where, params)[0]
    return {
        "chats": raw["chats"], "answered_pct": ratio(raw["answered"], raw["chats"]), "missed": raw["missed"],
        "avg_wait": raw["avg_wait"], "p90_wait": raw["p90_wait"],
        "service_level": ratio(raw["within_target"], raw["queued"]), "avg_handle": raw["avg_handle"],
        "avg_first_response": raw["avg_first_response"], "avg_rating": raw["avg_rating"],
        "chats_per_agent": ratio(raw["answered"], raw["agents"], 1.0),
    }


def volume(cur: duckdb.DuckDBPyConnection, f: Filters) -> list[dict[str, Any]]:
    where, params = f.where()
    return rows(cur, f"""SELECT {period(f)} AS period, c.channel_id, ch.name AS channel, count(*) AS chats
        {FROM} WHERE {where} GROUP BY ALL ORDER BY period, channel""", params)


def service_level_series(cur: duckdb.DuckDBPyConnection, f: Filters) -> list[dict[str, Any]]:
    where, params = f.where()
    return rows(cur, f"""SELECT {period(f)} AS period, count(*) AS queued,
        count(*) FILTER (WHERE {WITHIN}) AS within_target,
        100.0 * count(*) FILTER (WHERE {WITHIN}) / count(*) AS service_level
        {FROM} WHERE {where} AND {QUEUED} GROUP BY ALL ORDER BY period""", params)


def wait_distribution(cur: duckdb.DuckDBPyConnection, f: Filters) -> list[dict[str, Any]]:
    where, params = f.where()
    cases = " ".join(f"WHEN c.wait_seconds < {hi if hi != float('inf') else 1e18} THEN {i}"
                     for i, (_, hi, _) in enumerate(WAIT_BINS))
    found = {r["bin"]: r["chats"] for r in rows(cur, f"""SELECT CASE {cases} END AS bin, count(*) AS chats
        {FROM} WHERE {where} AND c.outcome = 'answered' AND c.wait_seconds IS NOT NULL GROUP BY ALL""", params)}
    return [{"bin": i, "label": label, "low": lo, "high": hi, "chats": found.get(i, 0)}
            for i, (lo, hi, label) in enumerate(WAIT_BINS)]


def heatmap(cur: duckdb.DuckDBPyConnection, f: Filters) -> list[dict[str, Any]]:
    """Arrivals by ISO weekday (1 = Monday) and local hour."""
    where, params = f.where()
    return rows(cur, f"""SELECT isodow(c.requested_local) AS weekday, hour(c.requested_local) AS hour,
        count(*) AS chats {FROM} WHERE {where} GROUP BY ALL ORDER BY weekday, hour""", params)


def outcomes(cur: duckdb.DuckDBPyConnection, f: Filters) -> list[dict[str, Any]]:
    where, params = f.where()
    return rows(cur, f"SELECT c.outcome, count(*) AS chats {FROM} WHERE {where} GROUP BY ALL ORDER BY chats DESC",
                params)


def ratings(cur: duckdb.DuckDBPyConnection, f: Filters) -> list[dict[str, Any]]:
    where, params = f.where()
    found = {r["rating"]: r["chats"] for r in rows(
        cur, f"SELECT c.rating, count(*) AS chats {FROM} WHERE {where} AND c.rating IS NOT NULL GROUP BY ALL", params)}
    return [{"rating": stars, "chats": found.get(stars, 0)} for stars in range(1, 6)]


def agent_table(cur: duckdb.DuckDBPyConnection, f: Filters) -> list[dict[str, Any]]:
    """Per agent who ended answered chats: chats, averages, and transfers they handed on in those chats."""
    where, params = f.where()
    return rows(cur, f"""
        WITH picked AS (SELECT c.* {FROM} WHERE {where}),
        handed AS (SELECT t.from_agent_id AS agent_id, count(*) AS transfers FROM transfers t
                   WHERE t.state = 'accepted' AND t.chat_id IN (SELECT chat_id FROM picked) GROUP BY ALL),
        done AS (SELECT c.agent_id, count(*) AS chats, avg(c.handle_seconds) AS avg_handle,
                        avg(c.first_response_seconds) AS avg_first_response, avg(c.rating) AS avg_rating,
                        count(c.rating) AS ratings
                 FROM picked c WHERE c.outcome = 'answered' GROUP BY ALL)
        SELECT done.*, coalesce(a.display_name, 'Agent ' || done.agent_id) AS agent,
               coalesce(handed.transfers, 0) AS transfers
        FROM done LEFT JOIN agents a USING (agent_id) LEFT JOIN handed USING (agent_id)
        ORDER BY chats DESC, agent""", params)


def aggregate_table(cur: duckdb.DuckDBPyConnection, f: Filters) -> list[dict[str, Any]]:
    """One row per period and channel with the KPIs: the table managers export."""
    where, params = f.where()
    return rows(cur, f"""SELECT {period(f)} AS period, ch.name AS channel, count(*) AS chats,
        count(*) FILTER (WHERE c.outcome = 'answered') AS answered,
        count(*) FILTER (WHERE c.outcome = 'missed_in_queue') AS missed,
        round(100.0 * count(*) FILTER (WHERE {WITHIN}) / nullif(count(*) FILTER (WHERE {QUEUED}), 0), 1)
            AS service_level_pct,
        round(avg(c.wait_seconds) FILTER (WHERE c.outcome = 'answered'), 1) AS avg_wait_seconds,
        round(avg(c.handle_seconds) FILTER (WHERE c.outcome = 'answered'), 1) AS avg_handle_seconds,
        round(avg(c.first_response_seconds) FILTER (WHERE c.outcome = 'answered'), 1) AS avg_first_response_seconds,
        round(avg(c.rating), 2) AS avg_rating
        {FROM} WHERE {where} GROUP BY ALL ORDER BY period, channel""", params)


def options(cur: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    """Channels and agents to filter by (agents: anyone who has ever had a chat)."""
    return {
        "channels": rows(cur, "SELECT channel_id AS id, name FROM channels WHERE NOT is_deleted ORDER BY name", []),
        "agents": rows(cur, """SELECT a.agent_id AS id, a.display_name AS name FROM agents a
            WHERE a.agent_id IN (SELECT DISTINCT agent_id FROM chats) ORDER BY name""", []),
    }


def reporting_zone(cur: duckdb.DuckDBPyConnection) -> str:
    """The time zone that 'today' is counted in: the channels' most common one."""
    row = cur.execute("SELECT mode(time_zone) FROM channels WHERE NOT is_deleted").fetchall()[0]
    return str(row[0]) if row and row[0] else "UTC"


def loaded_at(cur: duckdb.DuckDBPyConnection) -> str | None:
    found = cur.execute("SELECT value FROM etl_state WHERE key = 'loaded_at'").fetchall()
    return str(found[0][0]) if found else None
