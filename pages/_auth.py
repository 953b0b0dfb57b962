"""Who is looking at a page or calling a callback; checked on the server for every request."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, session

from chat.auth import SESSION_USER_KEY
from chat.models import Role, User
from chat.services import Services

STATISTICS_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class Viewer:
    id: int
    username: str
    display_name: str
    role: Role
    language: str


def services() -> Services:
    found: Services = current_app.extensions["chat"]
    return found


def current_viewer() -> Viewer | None:
    user_id = session.get(SESSION_USER_KEY)
    if user_id is None:
        return None
    with services().db.read() as db:
        user = db.get(User, int(user_id))
        if user is None or not user.is_active:
            return None
        return Viewer(user.id, user.username, user.display_name, user.role, user.language)


class NotAllowedError(Exception):
    """Raised in a callback when the viewer lacks the role; the shell turns it into a 403."""


def require_viewer(*roles: Role) -> Viewer:
    viewer = current_viewer()
    if viewer is None or (roles and viewer.role not in roles):
        raise NotAllowedError("You do not have access to this.")
    return viewer
