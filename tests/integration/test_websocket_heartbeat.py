"""The heartbeat (CHAT_HEARTBEAT_SECONDS): a client that answers pings stays, a silent one is closed."""

from __future__ import annotations

import base64
import os
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import ServerProcess, running
from tests.wsclient import WsClient, new_visitor_chat

PING, CLOSE = 0x9, 0x8


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running(Path(tmp_path_factory.mktemp("heartbeat")), {"CHAT_HEARTBEAT_SECONDS": "1"}) as process:
        yield process


def _silent_client(server: ServerProcess, path: str) -> socket.socket:
    """A handshake, and from then on nothing: no pong, no reading."""
    host, port = server.visitor_ws_url.removeprefix("ws://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(1)
    assert answer.startswith(b"HTTP/1.1 101")
    return sock


def _frames_until_closed(sock: socket.socket) -> list[tuple[int, bytes]]:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    frames = []
    while data:
        opcode, length = data[0] & 0x0F, data[1] & 0x7F
        offset = 2
        if length == 126:
            length, offset = struct.unpack("!H", data[2:4])[0], 4
        frames.append((opcode, data[offset:offset + length]))
        data = data[offset + length:]
    return frames


def test_a_silent_client_is_closed_and_one_that_answers_stays(server: ServerProcess) -> None:
    token, _session_id = new_visitor_chat(server)
    path = f"/ws/visitor?token={token}"
    answering = WsClient(f"{server.visitor_ws_url}{path}")
    silent = _silent_client(server, path)
    started = time.monotonic()

    frames = _frames_until_closed(silent)
    assert time.monotonic() - started < 10
    opcodes = [opcode for opcode, _payload in frames]
    assert PING in opcodes and opcodes[-1] == CLOSE
    assert struct.unpack("!H", frames[-1][1][:2])[0] == 1008

    assert answering.request({"type": "ping"})["pong"] is True
    assert not answering.closed
    answering.close()
