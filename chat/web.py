"""Helpers shared by the Flask edges: the app's services and JSON errors."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from werkzeug.wrappers import Response

from chat.actions.errors import ActionError
from chat.services import Services

HTTP_STATUS = {
    "not_found": 404,
    "forbidden": 403,
    "unauthorized": 401,
    "invalid_input": 422,
    "invalid_frame": 400,
    "invalid_state": 409,
    "queue_empty": 409,
    "origin_not_allowed": 403,
    "rate_limited": 429,
    "too_large": 413,
    "unavailable": 503,
}


def services() -> Services:
    found: Services = current_app.extensions["chat"]
    return found


def error_response(error: ActionError) -> tuple[Response, int]:
    return jsonify(error={"code": error.code, "message": error.message}), HTTP_STATUS.get(error.code, 400)


def json_error(code: str, message: str) -> tuple[Response, int]:
    return error_response(ActionError(code, message))


def ok(**payload: Any) -> Response:
    return jsonify(payload)
