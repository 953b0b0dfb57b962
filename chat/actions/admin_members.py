"""Who works in a channel, with which of the four rights (SuperOffice: Can respond, Notifications,
Can listen in, Manager). A change reaches the member at once as the agent event `membership_changed`:
their workspace takes a fresh snapshot and starts (or stops) showing the channel's queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.access import membership
from chat.actions.audit import changes, do_audit
from chat.actions.errors import invalid_input, invalid_state, not_found
from chat.actions.feed import append_agent_event
from chat.actions.forms import AdminForm
from chat.models import Channel, Membership, User


class Rights(AdminForm):
    can_respond: bool = True
    notifications: bool = True
    can_listen: bool = False
    is_manager: bool = False

    @classmethod
    def of(cls, found: Membership) -> Rights:
        return cls(can_respond=found.can_respond, notifications=found.notifications,
                   can_listen=found.can_listen, is_manager=found.is_manager)


@dataclass(frozen=True)
class Member:
    user_id: int
    display_name: str
    username: str
    role: str
    active: bool
    rights: Rights


def members(db: Session, channel_id: int) -> list[Member]:
    rows = db.execute(
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.channel_id == channel_id).order_by(User.display_name)
    )
    return [Member(user.id, user.display_name, user.username, user.role.value, user.is_active, Rights.of(found))
            for found, user in rows]


def _announce(db: Session, channel: Channel, user: User, rights: Rights | None) -> None:
    data = {"channel_id": channel.id, "user_id": user.id, "rights": rights.model_dump() if rights else None}
    append_agent_event(db, "membership_changed", data, user_id=user.id)


def do_set_membership(db: Session, admin: User, channel: Channel, user: User, rights: Rights) -> bool:
    """Add the user to the channel, or change their rights; False when nothing changed."""
    if channel.is_deleted:
        raise invalid_state("This channel is deleted; restore it before you change its members.")
    if not any(rights.model_dump().values()):
        raise invalid_input("Give at least one right, or remove the member from the channel.")
    found = membership(db, user.id, channel.id)
    if found is None:
        if not user.is_active:
            raise invalid_input(f"{user.display_name} is disabled; enable the account before adding it to a channel.")
        db.add(Membership(user_id=user.id, channel_id=channel.id, **rights.model_dump()))
        action, changed = "membership_added", changes({}, rights.model_dump())
    else:
        changed = changes(Rights.of(found).model_dump(), rights.model_dump())
        if not changed:
            return False
        for key, value in rights.model_dump().items():
            setattr(found, key, value)
        action = "membership_updated"
    do_audit(db, admin, action, channel_id=channel.id,
             details={"user_id": user.id, "user": user.display_name, "changes": changed})
    _announce(db, channel, user, rights)
    return True


def do_remove_membership(db: Session, admin: User, channel: Channel, user: User) -> None:
    """Chats the user handles in the channel stay theirs until they end; the queue is no longer shown."""
    found = membership(db, user.id, channel.id)
    if found is None:
        raise not_found(f"{user.display_name}'s membership of {channel.name}")
    db.delete(found)
    do_audit(db, admin, "membership_removed", channel_id=channel.id,
             details={"user_id": user.id, "user": user.display_name})
    _announce(db, channel, user, None)
