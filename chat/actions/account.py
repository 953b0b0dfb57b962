"""What every staff member changes about themselves: their password (presence is chat.actions.presence)."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import Field, model_validator
from sqlalchemy.orm import Session

from chat.actions.admin_people import MIN_PASSWORD, PasswordHasher
from chat.actions.audit import do_audit
from chat.actions.errors import invalid_input
from chat.actions.forms import AdminForm
from chat.models import User

PasswordCheck = Callable[[str, str], bool]  # (stored hash, password) -> matches


class PasswordChange(AdminForm):
    model_config = AdminForm.model_config | {"str_strip_whitespace": False}

    current: str = Field(min_length=1, max_length=256)
    new: str = Field(min_length=MIN_PASSWORD, max_length=256)
    repeat: str = Field(max_length=256)

    @model_validator(mode="after")
    def _same_twice(self) -> PasswordChange:
        if self.new != self.repeat:
            raise ValueError("the new password and its repetition differ")
        if self.new == self.current:
            raise ValueError("the new password must differ from the current one")
        return self


def do_change_own_password(
    db: Session, user: User, form: PasswordChange, *, matches: PasswordCheck, hash_password: PasswordHasher
) -> None:
    if not matches(user.password_hash, form.current):
        raise invalid_input("The current password is wrong.")
    user.password_hash = hash_password(form.new)
    do_audit(db, user, "password_changed", details={"user_id": user.id, "user": user.display_name})
