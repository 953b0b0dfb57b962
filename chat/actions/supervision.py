"""Listening in is silent for the agent and the visitor, and always written to the audit log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from chat.models import AuditEntry, ChatSession, User, utcnow


def do_start_listening(db: Session, chat: ChatSession, supervisor: User) -> int:
    """Returns the audit entry id, closed by `do_stop_listening` when the supervisor leaves."""
    entry = AuditEntry(
        actor_user_id=supervisor.id, action="listen_in", session_id=chat.id, channel_id=chat.channel_id,
        details={"agent_id": chat.agent_id},
    )
    db.add(entry)
    db.flush()
    return entry.id


def do_stop_listening(db: Session, entry_id: int) -> None:
    entry = db.get(AuditEntry, entry_id)
    if entry is not None and entry.ended_at is None:
        entry.ended_at = utcnow()
