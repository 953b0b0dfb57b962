"""A whole chat over real WebSockets against a real server process."""

from __future__ import annotations

import requests

from tests.deployment import ServerPair
from tests.integration.conftest import World
from tests.wsclient import start_visitor_session


def test_health_reports_database_and_bus(world: World) -> None:
    body = requests.get(f"{world.server.url}/healthz", timeout=5).json()
    expected_bus = "redis" if isinstance(world.server, ServerPair) else "in-process"
    assert body == {"ok": True, "database": "ok", "bus": expected_bus}


def test_visitor_and_agent_chat_live(world: World) -> None:
    agent = world.agent_socket(world.agent1)
    agent.send({"type": "hello"})
    state = agent.wait_for(lambda f: f["type"] == "agent_state")
    assert state["data"]["user"]["presence"] == "present"

    started = start_visitor_session(world.server.url, world.channel_id, name="Vera", question="Where is my order?")
    session_id = started["session"]["session_id"]
    assert started["session"]["status"] == "in_queue"
    assert started["session"]["queue_position"] == 1

    queued = agent.wait_for(lambda f: f["type"] == "agent_event" and f["event"] == "session_queued"
                            and f["data"]["session_id"] == session_id)
    assert queued["data"]["first_question"] == "Where is my order?"

    visitor = world.visitor_socket(started["token"])
    visitor.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    visitor.wait_for(lambda f: f["type"] == "synced" and f["session_id"] == session_id)

    assert agent.request({"type": "pick_up", "session_id": session_id})["type"] == "ack"
    agent.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    assigned = visitor.wait_for(lambda f: f.get("event") == "assigned")
    assert assigned["data"]["agent_name"]
    welcome = visitor.wait_for(lambda f: f.get("event") == "message" and f["data"].get("system_event") == "welcome")
    assert welcome["data"]["body"] == "Welcome to Support!"

    ack = agent.request({"type": "send", "session_id": session_id, "text": "Hello Vera!"})
    assert ack["type"] == "ack"
    got = visitor.wait_for(lambda f: f.get("event") == "message" and f["data"]["body"] == "Hello Vera!")
    assert got["seq"] == ack["seq"]

    visitor.send({"type": "typing", "session_id": session_id, "active": True})
    typing = agent.wait_for(lambda f: f["type"] == "signal" and f["event"] == "typing")
    assert typing["data"] == {"side": "visitor", "active": True}
    visitor.send({"type": "draft", "session_id": session_id, "text": "It was ord"})
    draft = agent.wait_for(lambda f: f["type"] == "signal" and f["event"] == "draft")
    assert draft["data"]["text"] == "It was ord"

    visitor.request({"type": "send", "id": "v-1", "session_id": session_id, "text": "Order 42"})
    agent.wait_for(lambda f: f.get("event") == "message" and f["data"]["body"] == "Order 42")
    read_ack = visitor.request({"type": "read", "session_id": session_id, "up_to_seq": ack["seq"]})
    assert read_ack["marked"] == 1
    read = agent.wait_for(lambda f: f.get("event") == "read")
    assert read["data"]["reader"] == "visitor"

    end = agent.request({"type": "end", "session_id": session_id})
    assert end["status"] == "ended"
    closed = visitor.wait_for(lambda f: f.get("event") == "status" and f["data"]["status"] == "ended")
    assert closed["data"]["ended_by"] == "agent"
    rated = visitor.request({"type": "rate", "session_id": session_id, "rating": 5, "comment": "Quick!"})
    assert rated["type"] == "ack"

    seqs = [f["seq"] for f in agent.events(session_id)]
    assert seqs == sorted(set(seqs))
    for client in (agent, visitor):
        client.close()


def test_visitor_never_sees_drafts_or_whispers(world: World) -> None:
    started = start_visitor_session(world.server.url, world.channel_id, question="Hi")
    session_id = started["session"]["session_id"]
    agent = world.agent_socket(world.agent1)
    agent.request({"type": "pick_up", "session_id": session_id})
    supervisor = world.agent_socket(world.supervisor)
    supervisor.send({"type": "listen", "session_id": session_id, "last_seq": 0})
    supervisor.wait_for(lambda f: f["type"] == "synced")
    visitor = world.visitor_socket(started["token"])
    visitor.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    visitor.wait_for(lambda f: f["type"] == "synced")

    whisper = supervisor.request({"type": "whisper", "session_id": session_id, "text": "Be kind"})
    assert whisper["type"] == "ack"
    visitor.send({"type": "draft", "session_id": session_id, "text": "secret draft"})
    agent.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    agent.wait_for(lambda f: f.get("event") == "message" and f["data"]["author"] == "whisper")
    supervisor.wait_for(lambda f: f["type"] == "signal" and f["event"] == "draft")
    marker = agent.request({"type": "send", "session_id": session_id, "text": "after the whisper"})
    visitor.wait_for(lambda f: f.get("seq") == marker["seq"] and f["type"] == "event")

    assert not [f for f in visitor.frames if f.get("staff_only") or f.get("event") == "draft"]
    assert "Be kind" not in str(visitor.frames)
    for client in (agent, supervisor, visitor):
        client.close()
