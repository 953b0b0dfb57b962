"""Which websites may use a channel's chat, and the CORS headers that let the widget call us.

A channel's `allowed_origins` lists the sites (`https://shop.example.com`, or `https://*.example.com`
for every subdomain) whose pages may embed its widget; an empty list allows every site. The check runs
before every visitor REST call (`/api/v1/visitor/...`, `/api/v1/channels/<id>/widget`) and before the
visitor WebSocket handshakes (`/ws/visitor`, `/ws/visitor/channels/<id>`). Requests without an `Origin`
header (not from a browser page) and requests from this server's own origin are not checked: the list
protects a company's chat from other websites, it is not a credential.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from chat.actions.errors import ActionError
from chat.models import Channel, ChatSession
from chat.tokens import VisitorTokens
from chat.web import json_error, services

DEFAULT_PORTS = {"http": 80, "https": 443}
CORS_MAX_AGE_SECONDS = 600


def normalise_origin(value: str) -> str | None:
    """`scheme://host[:port]` in lower case without a default port; None for anything else ("null")."""
    parts = urlsplit(value.strip().lower())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else "")


def origin_allowed(origin: str, allowed: list[str]) -> bool:
    if not allowed:
        return True
    normalised = normalise_origin(origin)
    if normalised is None:
        return False
    for entry in allowed:
        pattern = entry.strip().lower().rstrip("/")
        if "://*." in pattern:
            scheme, _, domain = pattern.partition("://*.")
            if normalised.startswith(f"{scheme}://") and normalised.split("://", 1)[1].endswith("." + domain):
                return True
        elif normalise_origin(pattern) == normalised:
            return True
    return False


def foreign_origin() -> str | None:
    """The request's Origin header, unless absent or this server's own origin."""
    origin = request.headers.get("Origin")
    if origin is None:
        return None
    if normalise_origin(origin) is not None and normalise_origin(origin) == normalise_origin(request.host_url):
        return None
    return origin


def _channels_of_request(db: Session) -> list[Channel]:
    args = request.view_args or {}
    if "channel_id" in args:
        ids = [args["channel_id"]]
    elif "session_id" in args:
        ids = list(db.scalars(select(ChatSession.channel_id).where(ChatSession.id == args["session_id"])))
    elif request.path == "/ws/visitor":
        try:
            visitor_id = VisitorTokens(services().config.secret_key).visitor_id(request.args.get("token", ""))
        except ActionError:
            return []  # the socket itself refuses a bad token, with its own error frame
        ids = list(db.scalars(select(ChatSession.channel_id).where(ChatSession.visitor_id == visitor_id).distinct()))
    else:
        body = request.get_json(silent=True)
        channel_id = body.get("channel_id") if isinstance(body, dict) else None
        ids = [channel_id] if isinstance(channel_id, int) else []
    return list(db.scalars(select(Channel).where(Channel.id.in_(ids)))) if ids else []


def _checked_path() -> bool:
    path = request.path
    if path.startswith(("/api/v1/visitor/", "/ws/visitor/")) or path == "/ws/visitor":
        return True
    return path.startswith("/api/v1/channels/") and path.endswith("/widget")


def check_visitor_origin() -> tuple[Response, int] | None:
    """before_app_request: refuse visitor calls from sites the channel does not allow."""
    if request.method == "OPTIONS" or not _checked_path():
        return None
    origin = foreign_origin()
    if origin is None:
        return None
    with services().db.read() as db:
        refused = [c.name for c in _channels_of_request(db) if not origin_allowed(origin, c.allowed_origins)]
    if not refused:
        return None
    return json_error("origin_not_allowed", f"This website ({origin[:100]}) may not use the chat of "
                      f"{', '.join(refused)}: add it to the channel's allowed origins.")


def add_cors_headers(response: Response) -> Response:
    """after_app_request: visitor REST answers are readable by the widget on any site (the origin check
    above decides who gets data); no cookies are involved, the visitor token travels in a header."""
    origin = request.headers.get("Origin")
    if origin is None or not _checked_path():
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.vary.add("Origin")
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Max-Age"] = str(CORS_MAX_AGE_SECONDS)
    return response
