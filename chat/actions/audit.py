"""The audit log: every settings change by an admin, and every listen-in, whisper and take-over.

Entries are written in the caller's transaction, so a change and its record commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.models import AuditEntry, Channel, User

MAX_ROWS = 500


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for the fields whose value differs."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def do_audit(
    db: Session,
    actor: User,
    action: str,
    *,
    channel_id: int | None = None,
    session_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(actor_user_id=actor.id, action=action, channel_id=channel_id, session_id=session_id,
                       details=details or {})
    db.add(entry)
    db.flush()
    return entry


@dataclass(frozen=True)
class AuditFilter:
    """Empty fields do not filter. Dates are whole days in `time_zone`, both ends included."""

    actor_id: int | None = None
    action: str | None = None
    channel_id: int | None = None
    since: date | None = None
    until: date | None = None
    time_zone: str = "Europe/Stockholm"
    limit: int = 200


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    channel: str
    session_id: int | None
    details: dict[str, Any]
    ended_at: datetime | None


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def audit_rows(db: Session, wanted: AuditFilter) -> list[AuditRow]:
    """Newest first, at most `limit` (and never more than MAX_ROWS) rows."""
    zone = ZoneInfo(wanted.time_zone)
    query = (
        select(AuditEntry, User.display_name, Channel.name)
        .outerjoin(User, User.id == AuditEntry.actor_user_id)
        .outerjoin(Channel, Channel.id == AuditEntry.channel_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(max(1, min(wanted.limit, MAX_ROWS)))
    )
    if wanted.actor_id is not None:
        query = query.where(AuditEntry.actor_user_id == wanted.actor_id)
    if wanted.action:
        query = query.where(AuditEntry.action == wanted.action)
    if wanted.channel_id is not None:
        query = query.where(AuditEntry.channel_id == wanted.channel_id)
    if wanted.since is not None:
        query = query.where(AuditEntry.created_at >= _day_start(wanted.since, zone))
    if wanted.until is not None:
        query = query.where(AuditEntry.created_at < _day_start(wanted.until + timedelta(days=1), zone))
    return [
        AuditRow(entry.id, entry.created_at, actor or "—", entry.action, channel or "", entry.session_id,
                 entry.details, entry.ended_at)
        for entry, actor, channel in db.execute(query)
    ]


def audit_actions(db: Session) -> list[str]:
    """The actions that occur in the log, for the filter."""
    return sorted(db.scalars(select(AuditEntry.action).distinct()))
