"""The one exception domain actions raise: a stable code and a message a person can read."""

from __future__ import annotations


class ActionError(Exception):
    """`code` is part of the protocol (docs/protocol.md); `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def not_found(what: str) -> ActionError:
    return ActionError("not_found", f"{what} does not exist or is not yours to see.")


def forbidden(message: str) -> ActionError:
    return ActionError("forbidden", message)


def invalid_state(message: str) -> ActionError:
    return ActionError("invalid_state", message)


def invalid_input(message: str) -> ActionError:
    return ActionError("invalid_input", message)
