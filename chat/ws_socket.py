"""One file descriptor per open WebSocket under gevent's WSGI server.

simple-websocket finds no socket in the environ of gevent's WSGI server (or of gunicorn's gevent worker),
so it takes the connection's socket from `wsgi.input` and `dup()`s it: every open WebSocket then holds two
descriptors, and a process with the usual limit of 20,000 cannot keep 10,000 widgets open. This WSGI
middleware hands simple-websocket the connection's own socket instead, under the key it reads under
Werkzeug's development server. In that mode flask-sock answers a finished WebSocket with an empty
`200 OK`; the middleware keeps that answer off the wire and closes the connection, so the server does not
read the client's last WebSocket bytes as a new request.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterable
from typing import Any

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


def connection_socket(environ: Environ) -> socket.socket | None:
    """The socket of a handshake on one of the product's WebSocket paths served by gevent, or None."""
    handshake = environ.get("HTTP_UPGRADE", "").lower() == "websocket" \
        and environ.get("PATH_INFO", "").startswith("/ws/")
    if not handshake or "werkzeug.socket" in environ or "gunicorn.socket" in environ:
        return None
    if "gunicorn.sock" in environ:
        return environ["gunicorn.sock"]  # type: ignore[no-any-return]
    if not environ.get("SERVER_SOFTWARE", "").startswith("gevent"):
        return None
    reader = environ.get("wsgi.input")
    if not hasattr(reader, "raw"):
        reader = getattr(reader, "rfile", None)
    return getattr(getattr(reader, "raw", None), "_sock", None)


class OwnSocketForWebSockets:
    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        sock = connection_socket(environ)
        if sock is None:
            return self.app(environ, start_response)
        environ["werkzeug.socket"] = sock
        websocket_ended = False

        def start_unless_ended(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal websocket_ended
            if status.startswith("200"):  # flask-sock's answer once the WebSocket has run: 101 is already sent
                websocket_ended = True
                return lambda _data: None
            return start_response(status, headers, exc_info)

        result = self.app(environ, start_unless_ended)
        if not websocket_ended:
            return result
        close = getattr(result, "close", None)
        if close is not None:
            close()
        _end_connection(sock, environ["wsgi.input"])
        return []


def _end_connection(sock: socket.socket, reader: Any) -> None:
    """Send the client our end of the stream and read what it still sent (closing over unread bytes would
    reset the connection), then close through gevent: the server's read of a next request then ends, and a
    greenlet still waiting on this socket (a reader or a sender) is woken with an error rather than left
    watching a descriptor that the server closes underneath it."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(0)
        while sock.recv(65536):
            pass
    sock.close()
    reader.close()  # the server's buffered reader holds the socket open until it is closed too
