"""Helpers shared by the Flask edges: the app's services and JSON errors."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from chat.actions.errors import ActionError
from chat.services import Services

log = logging.getLogger(__name__)

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
    "internal": 500,
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


def register_json_errors(app: Flask) -> None:
    """Errors under /api/ answer in the API's JSON shape, never Flask's HTML pages."""

    def http_error(error: HTTPException) -> Response | tuple[Response, int]:
        if not request.path.startswith("/api/"):
            return error.get_response()
        code = {404: "not_found", 405: "invalid_input", 413: "too_large"}.get(error.code or 400, "invalid_input")
        return jsonify(error={"code": code, "message": error.description}), error.code or 400

    def unexpected(error: Exception) -> Response | tuple[Response, int]:
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("request failed", exc_info=error)
        if not request.path.startswith("/api/"):
            return Response("Internal server error", status=500)
        message = "Something went wrong on our side; nothing was changed."
        return jsonify(error={"code": "internal", "message": message}), 500

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)
