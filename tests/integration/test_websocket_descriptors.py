"""An open WebSocket costs the server one file descriptor, and a finished one ends its connection cleanly."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import websocket

from tests.server import ServerProcess, running
from tests.wsclient import new_visitor_chat

SOCKETS = 40


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running(Path(tmp_path_factory.mktemp("descriptors"))) as process:
        yield process


def _descriptors(server: ServerProcess) -> int:
    assert server.process is not None
    return len(os.listdir(f"/proc/{server.process.pid}/fd"))


def _settles_at(server: ServerProcess, expected: int, timeout: float = 10) -> int:
    deadline = time.monotonic() + timeout
    while (count := _descriptors(server)) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return count


def _steady(server: ServerProcess) -> int:
    """The server's descriptor count once it has not changed for a second."""
    count = _descriptors(server)
    while True:
        time.sleep(1)
        again = _descriptors(server)
        if again == count:
            return count
        count = again


def _visitor_url(server: ServerProcess) -> tuple[str, int]:
    token, session_id = new_visitor_chat(server)
    return f"{server.visitor_ws_url}/ws/visitor?token={token}", session_id


def _raw(ws: websocket.WebSocket) -> socket.socket:
    assert ws.sock is not None, "the WebSocket is not connected"
    return ws.sock


def _subscribed(url: str, session_id: int) -> websocket.WebSocket:
    ws = websocket.create_connection(url, timeout=10)
    ws.send(f'{{"type": "subscribe", "session_id": {session_id}, "last_seq": 0}}')
    while '"synced"' not in ws.recv():
        pass
    return ws


def test_each_open_socket_holds_one_descriptor_and_gives_it_back(server: ServerProcess) -> None:
    url, session_id = _visitor_url(server)
    for ws in [_subscribed(url, session_id) for _ in range(SOCKETS)]:  # the database pool grows to its size
        ws.close()
    before = _steady(server)

    sockets = [_subscribed(url, session_id) for _ in range(SOCKETS)]
    opened = _descriptors(server) - before
    assert SOCKETS - 5 <= opened <= SOCKETS + 5, f"{opened} descriptors for {SOCKETS} sockets (dup() makes it 2×)"

    for ws in sockets[::2]:
        ws.close()
    for ws in sockets[1::2]:
        _raw(ws).shutdown(2)
        _raw(ws).close()
    assert _settles_at(server, before) == before
    assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200
    assert "Traceback" not in server.log_path.read_text()


def test_after_the_closing_handshake_the_server_sends_nothing_more(server: ServerProcess) -> None:
    url, session_id = _visitor_url(server)
    ws = _subscribed(url, session_id)
    ws.send_close()
    while ws.recv_frame().opcode != websocket.ABNF.OPCODE_CLOSE:
        pass
    raw = _raw(ws)
    raw.settimeout(10)
    assert raw.recv(4096) == b"", "the server wrote something after the WebSocket closed"
    raw.close()


def test_sockets_the_server_ends_leave_it_serving(server: ServerProcess) -> None:
    """The server closes these itself, one with a reader still waiting on the socket (channel sockets read in
    a greenlet of their own): the next connections must find the process alive and answering."""
    for path in ("/ws/visitor/channels/999999", "/ws/visitor?token=forged"):
        ws = websocket.create_connection(f"{server.visitor_ws_url}{path}", timeout=10)
        assert '"error"' in ws.recv()
        ws.close()
        assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200
    assert server.process is not None and server.process.poll() is None
