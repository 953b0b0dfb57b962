"""What the server answers to a browser's permessage-deflate offer (CHAT_WEBSOCKET_COMPRESSION)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import websocket
from websockets.sync.client import connect

from tests.factories import make_channel, make_user
from tests.integration.conftest import World
from tests.server import ServerProcess, running
from tests.wsclient import new_visitor_chat, start_visitor_session

BROWSER_OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"


def _accepted_extensions(base_url: str, token: str) -> str | None:
    url = base_url.replace("http", "ws", 1) + f"/ws/visitor?token={token}"
    ws = websocket.create_connection(url, header=[BROWSER_OFFER], timeout=10)
    try:
        headers = ws.getheaders() or {}
        return headers.get("sec-websocket-extensions")
    finally:
        ws.close()


def test_the_default_declines_compression_and_the_chat_works(world: World) -> None:
    started = start_visitor_session(world.server.url, world.channel_id, name="Ines", question="Hej")
    assert _accepted_extensions(world.server.url, started["token"]) is None

    visitor = world.visitor_socket(started["token"])
    session_id = started["session"]["session_id"]
    visitor.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    synced = visitor.wait_for(lambda f: f["type"] == "synced" and f["session_id"] == session_id)
    assert synced["seq"] >= 1


@pytest.fixture(scope="module")
def compressing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running(Path(tmp_path_factory.mktemp("deflate")), {"CHAT_WEBSOCKET_COMPRESSION": "on"}) as process:
        yield process


def test_on_accepts_deflate_without_context_takeover(compressing_server: ServerProcess) -> None:
    token, _session_id = new_visitor_chat(compressing_server, name="Otto")
    accepted = _accepted_extensions(compressing_server.url, token)
    assert accepted is not None
    assert accepted.split(";")[0].strip() == "permessage-deflate"
    assert "server_no_context_takeover" in accepted
    assert "client_no_context_takeover" in accepted


def _send_and_see_echo(receive: Callable[[], str | bytes], send: Callable[[str], None], session_id: int,
                       text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Subscribe, send `text`, and return the ack and the message event that come back."""
    send(json.dumps({"type": "subscribe", "session_id": session_id, "last_seq": 0}))
    send(json.dumps({"type": "send", "id": "long-1", "session_id": session_id, "text": text}))
    ack: dict[str, Any] | None = None
    event: dict[str, Any] | None = None
    while ack is None or event is None:
        frame = json.loads(receive())
        if frame["type"] == "ack" and frame["id"] == "long-1":
            ack = frame
        if frame["type"] == "event" and frame["event"] == "message" and frame["data"]["client_msg_id"] == "long-1":
            event = frame
    return ack, event


def test_plain_frames_of_every_length_reach_the_client(world: World) -> None:
    started = start_visitor_session(world.server.url, world.channel_id, name="Lena", question="Hej")
    token, session_id = started["token"], started["session"]["session_id"]
    visitor = world.visitor_socket(token)
    text = "Hej! " + "å" * 994  # a frame longer than 125 bytes: the 16-bit length form
    visitor.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    visitor.send({"type": "send", "id": "long-1", "session_id": session_id, "text": text})
    event = visitor.wait_for(lambda f: f["type"] == "event" and f["event"] == "message"
                             and f["data"]["client_msg_id"] == "long-1")
    ack = visitor.wait_for(lambda f: f["type"] == "ack" and f["id"] == "long-1")
    assert event["data"]["body"] == text
    assert ack["seq"] == event["seq"]


def test_compressed_frames_carry_the_chat(compressing_server: ServerProcess) -> None:
    database = compressing_server.database()
    with database.write() as db:
        channel = make_channel(db)
        make_user(db, channels=(channel,))  # Present: the chat waits in the queue and takes messages
        channel_id = channel.id
    database.dispose()
    started = start_visitor_session(compressing_server.url, channel_id, name="Pia", question="Hej")
    token, session_id = started["token"], started["session"]["session_id"]
    url = compressing_server.url.replace("http", "ws", 1) + f"/ws/visitor?token={token}"
    text = "Hej! " + "å" * 994
    with connect(url, compression="deflate", open_timeout=10) as ws:
        assert ws.response is not None
        assert "permessage-deflate" in (ws.response.headers.get("Sec-WebSocket-Extensions") or "")
        ack, event = _send_and_see_echo(lambda: ws.recv(timeout=10), ws.send, session_id, text)
    assert event["data"]["body"] == text
    assert ack["seq"] == event["seq"]
