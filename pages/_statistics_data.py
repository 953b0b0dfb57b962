"""What the statistics callbacks ask of the warehouse: one call each, run off the gevent loop."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from analytics import exports, queries
from analytics.drilldown import Drill, chat_list, tiles, transcript
from analytics.filters import Filters, parse, preset_range
from analytics.snapshot import NoSnapshotError, Paths, read_status, run_off_loop, snapshot_cursor
from analytics.staffing import PlanHour, plan


def _today(zone: str) -> datetime:
    return datetime.now(ZoneInfo(zone)).replace(microsecond=0)


def _resolve(cur: Any, params: dict[str, Any]) -> tuple[Filters, datetime]:
    """Filters from the page's controls; presets are counted from today in the channels' time zone."""
    now = _today(queries.reporting_zone(cur))
    return parse(params, now.date()), now


def _overview(data_dir: Path, params: dict[str, Any]) -> dict[str, Any]:
    with snapshot_cursor(data_dir) as cur:
        f, now = _resolve(cur, params)
        previous = f.previous()
        return {
            "filters": f, "kpis": queries.kpis(cur, f), "previous": queries.kpis(cur, previous),
            "volume": queries.volume(cur, f), "service_level": queries.service_level_series(cur, f),
            "wait": queries.wait_distribution(cur, f), "heatmap": queries.heatmap(cur, f),
            "outcomes": queries.outcomes(cur, f), "ratings": queries.ratings(cur, f),
            "agents": queries.agent_table(cur, f), "summary": queries.aggregate_table(cur, f),
            "tiles": tiles(cur, f, now), "loaded_at": queries.loaded_at(cur), "options": queries.options(cur),
        }


def overview(data_dir: Path, params: dict[str, Any]) -> dict[str, Any] | None:
    """Everything the overview tab shows; None before the first load is published."""
    try:
        return run_off_loop(_overview, data_dir, params)
    except NoSnapshotError:
        return None


def _options(data_dir: Path, preset: str) -> dict[str, Any]:
    with snapshot_cursor(data_dir) as cur:
        found: dict[str, Any] = dict(queries.options(cur))
        if preset != "custom":
            start, end = preset_range(preset, _today(queries.reporting_zone(cur)).date())
            found["range"] = (start.isoformat(), end.isoformat())
        return found


def options(data_dir: Path, preset: str) -> dict[str, Any] | None:
    try:
        return run_off_loop(_options, data_dir, preset)
    except NoSnapshotError:
        return None


def _drill(data_dir: Path, params: dict[str, Any], drill: Drill) -> tuple[int, list[dict[str, Any]]]:
    with snapshot_cursor(data_dir) as cur:
        f, _ = _resolve(cur, params)
        return chat_list(cur, f, drill)


def drill_list(data_dir: Path, params: dict[str, Any], drill: Drill) -> tuple[int, list[dict[str, Any]]]:
    return run_off_loop(_drill, data_dir, params, drill)


TABLES = {"agent": queries.agent_table, "summary": queries.aggregate_table}


def _table(data_dir: Path, params: dict[str, Any], name: str) -> tuple[Filters, list[dict[str, Any]]]:
    with snapshot_cursor(data_dir) as cur:
        f, _ = _resolve(cur, params)
        return f, TABLES[name](cur, f)


def table(data_dir: Path, params: dict[str, Any], name: str) -> tuple[Filters, list[dict[str, Any]]] | None:
    """One of the overview's tables alone ("agent" or "summary": another page of it)."""
    try:
        return run_off_loop(_table, data_dir, params, name)
    except NoSnapshotError:
        return None


def _transcript(data_dir: Path, chat_id: int) -> dict[str, Any] | None:
    with snapshot_cursor(data_dir) as cur:
        return transcript(cur, chat_id)


def chat_transcript(data_dir: Path, chat_id: int) -> dict[str, Any] | None:
    return run_off_loop(_transcript, data_dir, chat_id)


def _plan(data_dir: Path, params: dict[str, Any], channel_id: int, level: float,
          seconds: float) -> tuple[Filters, list[PlanHour]]:
    with snapshot_cursor(data_dir) as cur:
        f, _ = _resolve(cur, params)
        return f, plan(cur, channel_id, f.start, f.end, target_level=level, target_seconds=seconds)


def staffing(data_dir: Path, params: dict[str, Any], channel_id: int, level: float,
             seconds: float) -> tuple[Filters, list[PlanHour]] | None:
    try:
        return run_off_loop(_plan, data_dir, params, channel_id, level, seconds)
    except NoSnapshotError:
        return None


def freshness(data_dir: Path) -> dict[str, Any]:
    """When the published data was loaded and when the loader last checked for changes (no DuckDB)."""
    status = read_status(Paths(data_dir))
    checked = status.get("checked_at")
    return {"checked_at": datetime.fromisoformat(checked) if checked else None,
            "now": datetime.now(UTC), "snapshot": status.get("snapshot")}


def params_of(preset: str | None, start: str | None, end: str | None, channels: list[int] | None,
              agents: list[int] | None, granularity: str | None) -> dict[str, Any]:
    """The controls' values as URL parameters (the same shape the page reads from its URL)."""
    out: dict[str, Any] = {"preset": preset or "last_7_days", "granularity": granularity or ""}
    if out["preset"] == "custom":
        out.update({"from": start or date.today().isoformat(), "to": end or date.today().isoformat()})
    if channels:
        out["channels"] = ",".join(str(int(c)) for c in channels)
    if agents:
        out["agents"] = ",".join(str(int(a)) for a in agents)
    return out


def _build_export(data_dir: Path, dataset: str, fmt: str, params: dict[str, Any]) -> tuple[Path, str]:
    folder = data_dir / "exports"
    folder.mkdir(exist_ok=True)
    with snapshot_cursor(data_dir) as cur:
        f, _ = _resolve(cur, params)
        name = f"{dataset}_{f.start.isoformat()}_{f.end.isoformat()}.{fmt}"
        handle, raw = tempfile.mkstemp(prefix="export-", suffix=f".{fmt}", dir=folder)
        os.close(handle)
        path = Path(raw)
        try:
            if dataset == "chats":
                exports.write_chats(cur, f, path, fmt)
            else:
                exports.write_summary(cur, f, path, fmt)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path, name


def build_export(data_dir: Path, dataset: str, fmt: str, params: dict[str, Any]) -> tuple[Path, str]:
    """Write the export to a temporary file off the loop; returns it and the name to download it as."""
    return run_off_loop(_build_export, data_dir, dataset, fmt, params)



def loaded_at(data_dir: Path) -> str | None:
    def read() -> str | None:
        with snapshot_cursor(data_dir) as cur:
            return queries.loaded_at(cur)

    try:
        return run_off_loop(read)
    except NoSnapshotError:
        return None
