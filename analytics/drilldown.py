"""From a number to the chats behind it, and from a chat to its transcript.

A `Drill` is what a clicked bar, heatmap cell or agent row stands for. Each chart's drill selects exactly
the chats that chart counted in that place (tests check the counts match).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb

from analytics.filters import Filters
from analytics.queries import FROM, QUEUED, WAIT_BINS, period, rows
from analytics.schema import OUTCOMES

LIST_LIMIT = 500


@dataclass(frozen=True)
class Drill:
    period: str | None = None  # ISO start of a period of the filters' granularity
    channel_id: int | None = None
    outcome: str | None = None
    rating: int | None = None
    weekday: int | None = None  # ISO, 1 = Monday
    hour: int | None = None
    agent_id: int | None = None  # answered chats the agent ended
    wait_bin: int | None = None  # index into WAIT_BINS, answered chats
    queued: bool = False  # only chats that entered the queue (service level points)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Drill:
        """Validate what came back from the browser: unknown keys or values are refused."""
        known = set(cls.__dataclass_fields__)
        if not isinstance(raw, dict) or set(raw) - known:
            raise ValueError("unknown drill-down")
        drill = cls(
            period=None if raw.get("period") is None else datetime.fromisoformat(str(raw["period"])).isoformat(),
            **{k: None if raw.get(k) is None else int(raw[k])
               for k in ("channel_id", "rating", "weekday", "hour", "agent_id", "wait_bin")},
            outcome=None if raw.get("outcome") is None else str(raw["outcome"]), queued=bool(raw.get("queued")),
        )
        if drill.outcome is not None and drill.outcome not in OUTCOMES:
            raise ValueError("unknown outcome")
        if drill.wait_bin is not None and not 0 <= drill.wait_bin < len(WAIT_BINS):
            raise ValueError("unknown wait bin")
        return drill

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and v is not False}

    def where(self, f: Filters) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        if self.period is not None:
            parts.append(f"{period(f)} = ?")
            params.append(datetime.fromisoformat(self.period))
        for column, value in (("c.channel_id", self.channel_id), ("c.outcome", self.outcome),
                              ("c.rating", self.rating), ("isodow(c.requested_local)", self.weekday),
                              ("hour(c.requested_local)", self.hour)):
            if value is not None:
                parts.append(f"{column} = ?")
                params.append(value)
        if self.agent_id is not None:
            parts.append("c.agent_id = ? AND c.outcome = 'answered'")
            params.append(self.agent_id)
        if self.wait_bin is not None:
            low, high, _ = WAIT_BINS[self.wait_bin]
            parts.append("c.outcome = 'answered' AND c.wait_seconds >= ?" + (" AND c.wait_seconds < ?"
                                                                             if high != float("inf") else ""))
            params.extend([low] if high == float("inf") else [low, high])
        if self.queued:
            parts.append(QUEUED)
        return " AND ".join(parts) or "TRUE", params


def chat_list(cur: duckdb.DuckDBPyConnection, f: Filters, drill: Drill,
              limit: int = LIST_LIMIT) -> tuple[int, list[dict[str, Any]]]:
    """How many chats the drill selects, and the newest `limit` of them."""
    where, params = f.where()
    extra, extra_params = drill.where(f)
    condition = f"{where} AND {extra}"
    total_row = cur.execute(f"SELECT count(*) {FROM} WHERE {condition}", params + extra_params).fetchall()[0]
    listed = rows(cur, f"""SELECT c.chat_id, c.requested_local, ch.name AS channel,
            coalesce(a.display_name, '') AS agent, coalesce(c.visitor_name, c.contact, '') AS visitor,
            c.outcome, c.wait_seconds, c.handle_seconds, c.rating
        {FROM} LEFT JOIN agents a ON a.agent_id = c.agent_id WHERE {condition}
        ORDER BY c.requested_local DESC, c.chat_id DESC LIMIT {int(limit)}""", params + extra_params)
    return (int(total_row[0]) if total_row else 0), listed


def transcript(cur: duckdb.DuckDBPyConnection, chat_id: int) -> dict[str, Any] | None:
    """The chat's facts and its messages in order (whispers included, marked: managers are staff)."""
    found = rows(cur, f"""SELECT c.*, ch.name AS channel, coalesce(a.display_name, '') AS agent
        {FROM} LEFT JOIN agents a ON a.agent_id = c.agent_id WHERE c.chat_id = ?""", [chat_id])
    if not found:
        return None
    messages = rows(cur, """SELECT m.seq, m.side, m.body, m.system_event, m.sent_at,
            coalesce(a.display_name, '') AS author
        FROM messages m LEFT JOIN agents a ON a.agent_id = m.author_id
        WHERE m.chat_id = ? ORDER BY m.seq""", [chat_id])
    return {"chat": found[0], "messages": messages}


def tiles(cur: duckdb.DuckDBPyConnection, f: Filters, today: datetime) -> dict[str, Any]:
    """SuperOffice's dashboard tiles: busiest hour, best-rated agent this month, chats per month."""
    where, params = f.where()
    busiest = rows(cur, f"""SELECT hour(c.requested_local) AS hour, count(*) AS chats {FROM} WHERE {where}
        GROUP BY ALL ORDER BY chats DESC, hour LIMIT 1""", params)
    month_start = today.replace(day=1, hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    scope = Filters(month_start.date(), today.date(), f.channels, f.agents)
    month_where, month_params = scope.where()
    best = rows(cur, f"""SELECT c.agent_id, coalesce(a.display_name, '') AS agent, avg(c.rating) AS avg_rating,
            count(c.rating) AS ratings
        {FROM} LEFT JOIN agents a ON a.agent_id = c.agent_id
        WHERE {month_where} AND c.rating IS NOT NULL AND c.outcome = 'answered'
        GROUP BY ALL HAVING count(c.rating) >= 3 ORDER BY avg_rating DESC, ratings DESC, agent LIMIT 1""",
                month_params)
    year_ago = (month_start - timedelta(days=335)).replace(day=1)
    per_month_where, per_month_params = Filters(year_ago.date(), today.date(), f.channels, f.agents).where()
    per_month = rows(cur, f"""SELECT date_trunc('month', c.requested_local) AS month, count(*) AS chats
        {FROM} WHERE {per_month_where} GROUP BY ALL ORDER BY month""", per_month_params)
    return {"busiest_hour": busiest[0] if busiest else None, "best_agent": best[0] if best else None,
            "per_month": per_month, "busiest_days": f.days}
