"""What the server answers to a browser's permessage-deflate offer (CHAT_WEBSOCKET_COMPRESSION)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket

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
