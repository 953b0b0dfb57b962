"""WebSocket endpoints: authenticate the handshake, then hand the socket to a Connection."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from flask_sock import Sock

from chat import ws_transport
from chat.actions.errors import ActionError
from chat.agent_socket import AgentSocket
from chat.auth import current_user_id
from chat.channel_socket import serve_channel
from chat.connection import Connection
from chat.models import User
from chat.tokens import VisitorTokens
from chat.visitor_socket import VisitorSocket
from chat.web import services

sock = Sock()


EXTENSIONS_HEADER = "HTTP_SEC_WEBSOCKET_EXTENSIONS"
DEFLATE_WITHOUT_CONTEXT = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"


def negotiate_compression(environ: dict[str, Any], enabled: bool) -> None:
    """simple-websocket accepts whatever permessage-deflate the browser offers, with a compressor kept per
    socket for its whole life; so the offer it sees is rewritten: removed, or narrowed to no context takeover."""
    offer = environ.get(EXTENSIONS_HEADER)
    if offer is None:
        return
    if enabled and "permessage-deflate" in offer:
        environ[EXTENSIONS_HEADER] = DEFLATE_WITHOUT_CONTEXT
    else:
        del environ[EXTENSIONS_HEADER]


def _compressed() -> bool:
    """Whether the handshake (as `negotiate_compression` left it) agrees on permessage-deflate."""
    return EXTENSIONS_HEADER in request.environ


def _refuse(ws: Any, code: str, message: str) -> None:
    ws.send(json.dumps({"type": "error", "code": code, "message": message, "id": None}))
    ws.close(reason=1008, message=message[:100])
    ws_transport.finish(ws)


@sock.route("/ws/visitor")
def visitor_socket(ws: Any) -> None:
    try:
        visitor_id = VisitorTokens(services().config.secret_key).visitor_id(request.args.get("token", ""))
    except ActionError as error:
        _refuse(ws, error.code, error.message)
        return
    connection = Connection(ws, services(), staff=False, compressed=_compressed())
    connection.run(VisitorSocket(connection, visitor_id).dispatch)


@sock.route("/ws/visitor/channels/<int:channel_id>")
def channel_socket(ws: Any, channel_id: int) -> None:
    ws_transport.read_in_background(ws)
    serve_channel(ws, services(), channel_id)


def _is_active(user_id: int) -> bool:
    """Read in a function of its own: the socket's long-lived frame keeps no ORM session or user."""
    with services().db.read() as db:
        user = db.get(User, user_id)
        return user is not None and user.is_active


@sock.route("/ws/agent")
def agent_socket(ws: Any) -> None:
    user_id = current_user_id()
    if user_id is None or not _is_active(user_id):
        _refuse(ws, "unauthorized", "Sign in first: no valid staff session.")
        return
    connection = Connection(ws, services(), staff=True, user_id=user_id, compressed=_compressed())
    online = services().online
    online.connected(user_id)
    try:
        connection.run(AgentSocket(connection, user_id).dispatch)
    finally:
        online.disconnected(user_id)


@sock.bp.before_request
def _compression() -> None:
    negotiate_compression(request.environ, services().config.websocket_compression)
