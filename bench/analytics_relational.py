"""The statistics queries' aggregations run on the relational store (SQLite), for the speed ratio.

Same rules as the warehouse (outcomes, answered-only waits, service level over queued chats), computed
from `chat_sessions` at query time. SQLite has no time zones: local time is approximated as UTC+1.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from analytics.filters import Filters

LOCAL = "datetime(s.requested_at, '+1 hours')"
WAIT = "(julianday(s.started_at) - julianday(s.requested_at)) * 86400"
HANDLE = "(julianday(s.ended_at) - julianday(s.started_at)) * 86400"
FIRST = "(julianday(s.first_response_at) - julianday(s.started_at)) * 86400"
OUTCOME = """CASE WHEN s.started_at IS NOT NULL THEN 'answered'
    WHEN s.status = 'request_posted' AND s.initial_queue_position IS NOT NULL THEN 'request_from_queue'
    WHEN s.status = 'request_posted' THEN 'offline_request'
    WHEN s.ended_by = 'agent' THEN 'closed_from_queue' ELSE 'missed_in_queue' END"""
FROM = f"""FROM (SELECT s.*, {OUTCOME} AS outcome, {WAIT} AS wait, {LOCAL} AS local, ch.service_level_seconds AS target
    FROM chat_sessions s JOIN channels ch ON ch.id = s.channel_id
    WHERE s.status IN ('ended', 'closed_from_queue', 'request_posted') AND s.ended_at IS NOT NULL
      AND {LOCAL} >= ? AND {LOCAL} < ?) s"""
QUEUED = "s.outcome <> 'offline_request'"
WITHIN = "s.outcome = 'answered' AND s.wait <= s.target"


def _params(f: Filters) -> list[str]:
    return [f"{f.start} 00:00:00", f"{f.end + timedelta(days=1)} 00:00:00"]


def _all(db: sqlite3.Connection, sql: str, f: Filters, extra: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return db.execute(sql, (*_params(f), *extra)).fetchall()


def kpis(db: sqlite3.Connection, f: Filters) -> Any:
    found = _all(db, f"""SELECT count(*), sum(s.outcome = 'answered'), sum(s.outcome = 'missed_in_queue'),
        sum({QUEUED}), sum({WITHIN}), avg(CASE WHEN s.outcome = 'answered' THEN s.wait END),
        avg(CASE WHEN s.outcome = 'answered' THEN {HANDLE} END), avg(CASE WHEN s.outcome = 'answered' THEN {FIRST} END),
        avg(s.rating), count(DISTINCT CASE WHEN s.outcome = 'answered' THEN s.agent_id END) {FROM}""", f)
    answered = found[0][1] or 0
    p90 = _all(db, f"SELECT s.wait {FROM} WHERE s.outcome = 'answered' ORDER BY s.wait LIMIT 1 OFFSET ?", f,
               (int(0.9 * answered),))
    return found, p90


def volume(db: sqlite3.Connection, f: Filters) -> Any:
    return _all(db, f"SELECT date(s.local), s.channel_id, count(*) {FROM} GROUP BY 1, 2", f)


def service_level(db: sqlite3.Connection, f: Filters) -> Any:
    return _all(db, f"SELECT date(s.local), count(*), sum({WITHIN}) {FROM} WHERE {QUEUED} GROUP BY 1", f)


def wait_distribution(db: sqlite3.Connection, f: Filters) -> Any:
    return _all(db, f"""SELECT CASE WHEN s.wait < 15 THEN 0 WHEN s.wait < 30 THEN 1 WHEN s.wait < 60 THEN 2
        WHEN s.wait < 120 THEN 3 WHEN s.wait < 300 THEN 4 WHEN s.wait < 600 THEN 5 ELSE 6 END, count(*)
        {FROM} WHERE s.outcome = 'answered' GROUP BY 1""", f)


def heatmap(db: sqlite3.Connection, f: Filters) -> Any:
    return _all(db, f"SELECT strftime('%w', s.local), strftime('%H', s.local), count(*) {FROM} GROUP BY 1, 2", f)


def outcomes(db: sqlite3.Connection, f: Filters) -> Any:
    return _all(db, f"SELECT s.outcome, count(*) {FROM} GROUP BY 1", f)


def ratings(db: sqlite3.Connection, f: Filters) -> Any:
    return _all(db, f"SELECT s.rating, count(*) {FROM} WHERE s.rating IS NOT NULL GROUP BY 1", f)


def agent_table(db: sqlite3.Connection, f: Filters) -> Any:
    agents = _all(db, f"""SELECT s.agent_id, count(*), avg({HANDLE}), avg({FIRST}), avg(s.rating)
        {FROM} WHERE s.outcome = 'answered' GROUP BY 1""", f)
    handed = _all(db, f"""SELECT t.from_user_id, count(*) FROM transfers t JOIN (SELECT s.id {FROM}) x
        ON x.id = t.session_id WHERE t.state = 'accepted' GROUP BY 1""", f)
    return agents, handed


def aggregate_table(db: sqlite3.Connection, f: Filters) -> Any:
    return _all(db, f"""SELECT strftime('%Y-%W', s.local), s.channel_id, count(*), sum(s.outcome = 'answered'),
        sum(s.outcome = 'missed_in_queue'), 100.0 * sum({WITHIN}) / sum({QUEUED}),
        avg(CASE WHEN s.outcome = 'answered' THEN s.wait END), avg(CASE WHEN s.outcome = 'answered' THEN {HANDLE} END),
        avg(s.rating) {FROM} GROUP BY 1, 2""", f)


RELATIONAL: dict[str, Callable[[sqlite3.Connection, Filters], Any]] = {
    "kpis": kpis, "volume": volume, "service_level": service_level, "wait_distribution": wait_distribution,
    "heatmap": heatmap, "outcomes": outcomes, "ratings": ratings, "agent_table": agent_table,
    "aggregate_table": aggregate_table,
}
