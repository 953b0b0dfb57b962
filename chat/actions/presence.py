"""Present / Away: who gets chats, warnings and transfers."""

from __future__ import annotations

from sqlalchemy.orm import Session

from chat.actions.feed import append_agent_event
from chat.models import Presence, User, utcnow


def do_set_presence(db: Session, user: User, presence: Presence) -> bool:
    """Returns False when nothing changed (no event is written then)."""
    if user.presence is presence:
        return False
    user.presence = presence
    user.presence_changed_at = utcnow()
    append_agent_event(db, "presence", {
        "user_id": user.id, "display_name": user.display_name, "presence": presence.value,
    })
    return True
