"""Rows the tests need, written through the real database (no fakes)."""

from __future__ import annotations

import uuid
from itertools import count

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from chat.models import Channel, Membership, Presence, Role, User, Visitor

PASSWORD = "secret-pass"
_PASSWORD_HASH = generate_password_hash(PASSWORD)
_numbers = count(1)


def make_channel(db: Session, name: str = "Support", **fields: object) -> Channel:
    channel = Channel(name=name, prechat_required_fields=[], **fields)
    db.add(channel)
    db.flush()
    return channel


def make_user(
    db: Session,
    username: str | None = None,
    *,
    role: Role = Role.AGENT,
    present: bool = True,
    channels: tuple[Channel, ...] = (),
    can_respond: bool = True,
    can_listen: bool = False,
    is_manager: bool = False,
) -> User:
    username = username or f"user{next(_numbers)}"
    user = User(
        username=username,
        display_name=username.title(),
        password_hash=_PASSWORD_HASH,
        role=role,
        presence=Presence.PRESENT if present else Presence.AWAY,
    )
    db.add(user)
    db.flush()
    for channel in channels:
        db.add(Membership(user_id=user.id, channel_id=channel.id, can_respond=can_respond,
                          can_listen=can_listen, is_manager=is_manager))
    db.flush()
    return user


def make_visitor(db: Session) -> Visitor:
    visitor = Visitor(public_id=str(uuid.uuid4()))
    db.add(visitor)
    db.flush()
    return visitor
