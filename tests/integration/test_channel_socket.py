"""`/ws/visitor/channels/<id>`: an open widget learns when its channel can or cannot answer — also when
the change happens in another server process (PostgreSQL + Redis deployment)."""

from __future__ import annotations

import pytest
import websocket

from chat.db import Database
from tests.factories import make_channel
from tests.integration.conftest import Deployment, World
from tests.wsclient import WsClient


def follow(server: Deployment, channel_id: int) -> WsClient:
    return WsClient(f"{server.visitor_ws_url}/ws/visitor/channels/{channel_id}")


def test_presence_changes_in_any_process_reach_the_widgets_of_the_channel(world: World) -> None:
    widget = follow(world.server, world.channel_id)
    first = widget.wait_for(lambda f: f["type"] == "channel")
    assert (first["channel_id"], first["available"], first["deleted"]) == (world.channel_id, True, False)
    agents = [world.agent_socket(name) for name in (world.agent1, world.agent2)]
    for agent in agents:
        assert agent.request({"type": "presence", "presence": "away"})["type"] == "ack"
    closed = widget.wait_for(lambda f: f["type"] == "channel" and f["available"] is False)
    assert closed["version"] == first["version"]  # availability, not settings, changed
    agents[0].request({"type": "presence", "presence": "present"})
    widget.wait_for(lambda f: f["type"] == "channel" and f["available"] is True and f is not first)
    for socket in (widget, *agents):
        socket.close()


def test_the_socket_takes_only_pings(world: World) -> None:
    widget = follow(world.server, world.channel_id)
    assert widget.request({"type": "ping"})["pong"] is True
    refused = widget.request({"type": "send", "session_id": 1, "text": "hello?"})
    assert (refused["type"], refused["code"]) == ("error", "invalid_frame")
    assert widget.request({"type": "ping"})["type"] == "ack"  # still open
    widget.close()
    missing = follow(world.server, 999_999)
    gone = missing.wait_for(lambda f: f["type"] == "error")
    assert (gone["code"], gone["message"]) == ("not_found", "Channel 999999 does not exist.")


def test_other_websites_are_refused_at_the_handshake(server: Deployment, arrange: Database) -> None:
    with arrange.write() as db:
        channel = make_channel(db, "Shop only", allowed_origins=["https://shop.example.com"])
        channel_id = channel.id
    url = f"{server.visitor_ws_url}/ws/visitor/channels/{channel_id}"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, origin="https://evil.example", timeout=5)
    assert refused.value.status_code == 403
    allowed = websocket.create_connection(url, origin="https://shop.example.com", timeout=5)
    greeting = allowed.recv()
    assert isinstance(greeting, str) and '"type":"channel"' in greeting.replace(" ", "")
    allowed.close()
