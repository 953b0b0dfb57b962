"""What a statistics view is filtered by, as it travels in the URL, and the SQL it becomes.

Dates are local calendar days in the channels' time zone (the column `requested_local`); the end is
inclusive. The previous period is the previous calendar month for month presets, otherwise the same
number of days just before.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

PRESETS = ("today", "yesterday", "last_7_days", "last_30_days", "this_month", "last_month", "custom")
GRANULARITIES = ("hour", "day", "week", "month")
MAX_IDS = 200


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    channels: tuple[int, ...] = ()
    agents: tuple[int, ...] = ()
    granularity: str = "day"
    preset: str = "custom"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the end date is before the start date")
        if self.granularity not in GRANULARITIES:
            raise ValueError(f"unknown granularity {self.granularity!r}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        whole_months = self.start.day == 1 and self.preset in ("this_month", "last_month")
        if whole_months:
            start = shift_month(self.start, -1)
            return replace(self, start=start, end=min(shift_month(self.end, -1), month_end(start)))
        return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))

    def where(self, alias: str = "c") -> tuple[str, list[Any]]:
        """SQL condition on the chats table and its parameters."""
        parts = [f"{alias}.requested_local >= ?", f"{alias}.requested_local < ?"]
        params: list[Any] = [datetime.combine(self.start, datetime.min.time()),
                             datetime.combine(self.end + timedelta(days=1), datetime.min.time())]
        if self.channels:
            parts.append(f"{alias}.channel_id IN ({', '.join('?' * len(self.channels))})")
            params.extend(self.channels)
        if self.agents:
            parts.append(f"list_has_any({alias}.agent_ids, ?::INTEGER[])")
            params.append(list(self.agents))
        return " AND ".join(parts), params

    def query(self) -> dict[str, str]:
        """The URL query that restores this view; presets stay relative (a shared "last 7 days" rolls)."""
        out = {"preset": self.preset, "granularity": self.granularity}
        if self.preset == "custom":
            out.update({"from": self.start.isoformat(), "to": self.end.isoformat()})
        if self.channels:
            out["channels"] = ",".join(map(str, self.channels))
        if self.agents:
            out["agents"] = ",".join(map(str, self.agents))
        return out


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first = date(year, month + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def preset_range(preset: str, today: date) -> tuple[date, date]:
    if preset == "today":
        return today, today
    if preset == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if preset == "last_7_days":
        return today - timedelta(days=6), today
    if preset == "last_30_days":
        return today - timedelta(days=29), today
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        start = shift_month(today.replace(day=1), -1)
        return start, month_end(start)
    raise ValueError(f"unknown preset {preset!r}")


def _ids(raw: str | None) -> tuple[int, ...]:
    if not raw:
        return ()
    values = tuple(sorted({int(part) for part in raw.split(",") if part.strip()}))
    if len(values) > MAX_IDS:
        raise ValueError("too many ids")
    return values


def parse(params: Mapping[str, Any], today: date) -> Filters:
    """Filters from URL parameters; anything missing or malformed falls back to the last 7 days."""
    preset = str(params.get("preset") or "last_7_days")
    try:
        if preset == "custom":
            start, end = date.fromisoformat(str(params["from"])), date.fromisoformat(str(params["to"]))
        else:
            start, end = preset_range(preset, today)
        granularity = str(params.get("granularity") or ("hour" if preset in ("today", "yesterday") else "day"))
        return Filters(start, end, _ids(params.get("channels")), _ids(params.get("agents")), granularity, preset)
    except (KeyError, ValueError):
        start, end = preset_range("last_7_days", today)
        return Filters(start, end, preset="last_7_days")
