"""Staff accounts: create, edit (role, names, photo), disable and enable, and reset a password.

Passwords arrive in plain text from the form and leave as a hash made by the `hash_password` the edge
passes in (werkzeug's), so this module stays free of web libraries. Accounts are never deleted: their
chats and the audit log keep pointing at them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chat.actions.audit import changes, do_audit
from chat.actions.errors import invalid_input, invalid_state
from chat.actions.forms import AdminForm, Email, HttpUrl, Language
from chat.actions.presence import do_set_presence
from chat.models import ACTIVE_STATUSES, ChatSession, Presence, Role, User

PasswordHasher = Callable[[str], str]
MIN_PASSWORD = 8
GENERATED_PASSWORD_BYTES = 9  # 12 URL-safe characters


class Profile(AdminForm):
    display_name: str = Field(min_length=1, max_length=255)
    nickname: str = Field("", max_length=64)
    email: Email = Field("", max_length=255)
    photo_url: HttpUrl = Field("", max_length=1024)
    role: Role = Role.AGENT
    language: Language = "en"


class NewUser(Profile):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    password: str = Field(min_length=MIN_PASSWORD, max_length=256)


def profile_of(user: User) -> Profile:
    return Profile(display_name=user.display_name, nickname=user.nickname or "", email=user.email or "",
                   photo_url=user.photo_url or "", role=user.role, language=user.language)


def _active_admins(db: Session) -> int:
    return db.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN, User.is_active.is_(True))) or 0


def _keep_an_admin(db: Session, user: User) -> None:
    if user.role is Role.ADMIN and user.is_active and _active_admins(db) <= 1:
        raise invalid_state(f"{user.display_name} is the last active admin; make someone else admin first.")


def do_create_user(db: Session, admin: User, form: NewUser, hash_password: PasswordHasher) -> User:
    if db.scalar(select(User.id).where(func.lower(User.username) == form.username.lower())) is not None:
        raise invalid_input(f"The username “{form.username}” is taken.")
    user = User(username=form.username, password_hash=hash_password(form.password))
    _apply(user, form)
    db.add(user)
    db.flush()
    shown = form.model_dump(exclude={"password"}, mode="json")
    do_audit(db, admin, "user_created", details={"user_id": user.id, "user": user.display_name,
                                                 "changes": changes({}, shown)})
    return user


def _apply(user: User, form: Profile) -> None:
    user.display_name = form.display_name
    user.nickname = form.nickname or None
    user.email = form.email or None
    user.photo_url = form.photo_url or None
    user.role = form.role
    user.language = form.language


def do_update_user(db: Session, admin: User, user: User, form: Profile) -> bool:
    """False when nothing changed. The last active admin cannot lose the role."""
    changed = changes(profile_of(user).model_dump(mode="json"), form.model_dump(mode="json"))
    if not changed:
        return False
    if form.role is not Role.ADMIN:
        _keep_an_admin(db, user)
    _apply(user, form)
    do_audit(db, admin, "user_updated", details={"user_id": user.id, "user": user.display_name, "changes": changed})
    return True


def do_set_active(db: Session, admin: User, user: User, active: bool) -> bool:
    """Disable or enable. A disabled user cannot sign in, is set Away and gets no chats."""
    if user.is_active is active:
        return False
    if not active:
        if user.id == admin.id:
            raise invalid_state("You cannot disable your own account.")
        _keep_an_admin(db, user)
        ongoing = db.scalar(select(func.count(ChatSession.id)).where(
            ChatSession.agent_id == user.id, ChatSession.status.in_(ACTIVE_STATUSES))) or 0
        if ongoing:
            raise invalid_state(f"{user.display_name} handles {ongoing} ongoing chat(s): let them end, or have a "
                                "manager take them over, before you disable the account.")
        do_set_presence(db, user, Presence.AWAY)
    user.is_active = active
    do_audit(db, admin, "user_enabled" if active else "user_disabled",
             details={"user_id": user.id, "user": user.display_name})
    return True


def do_reset_password(db: Session, admin: User, user: User, hash_password: PasswordHasher) -> str:
    """A new random password, returned once for the admin to hand over; the old one stops working."""
    password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
    user.password_hash = hash_password(password)
    do_audit(db, admin, "password_reset", details={"user_id": user.id, "user": user.display_name})
    return password
