"""Transfers with acceptance, and resuming both streams after a reconnect."""

from __future__ import annotations

import requests

from tests.integration.conftest import World
from tests.wsclient import WsClient, start_visitor_session


def _picked_chat(world: World) -> tuple[int, str, WsClient]:
    started = start_visitor_session(world.server.url, world.channel_id, name="Tove", question="Hej")
    session_id = started["session"]["session_id"]
    agent = world.agent_socket(world.agent1)
    assert agent.request({"type": "pick_up", "session_id": session_id})["type"] == "ack"
    return session_id, started["token"], agent


def test_transfer_accept_moves_the_chat_and_the_sender_keeps_reading(world: World) -> None:
    session_id, token, sender = _picked_chat(world)
    receiver = world.agent_socket(world.agent2)
    receiver.send({"type": "hello"})
    receiver.wait_for(lambda f: f["type"] == "agent_state")

    reply = sender.request({"type": "transfer", "session_id": session_id, "to_user_id": world.agent2_id})
    assert reply["type"] == "ack"
    offer = receiver.wait_for(lambda f: f.get("event") == "transfer_requested")
    assert offer["data"]["transfer"]["from_user_id"] == world.agent1_id
    again = sender.request({"type": "transfer", "session_id": session_id, "to_user_id": world.agent2_id})
    assert again["code"] == "invalid_state"

    assert receiver.request({"type": "transfer_accept", "session_id": session_id})["type"] == "ack"
    sent = receiver.request({"type": "send", "session_id": session_id, "text": "I take it from here"})
    assert sent["type"] == "ack"
    refused = sender.request({"type": "send", "session_id": session_id, "text": "still mine?"})
    assert refused["code"] == "forbidden"
    sender.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    sender.wait_for(lambda f: f.get("event") == "message" and f["data"]["body"] == "I take it from here")

    visitor = world.visitor_socket(token)
    visitor.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    visitor.wait_for(lambda f: f.get("event") == "message" and f["data"].get("system_event") == "transferred")
    visitor.wait_for(lambda f: f["type"] == "synced")
    assert not [f for f in visitor.frames if str(f.get("event", "")).startswith("transfer_")]
    for client in (sender, receiver, visitor):
        client.close()


def test_transfer_reject_and_cancel(world: World) -> None:
    session_id, _token, sender = _picked_chat(world)
    receiver = world.agent_socket(world.agent2)
    sender.request({"type": "transfer", "session_id": session_id, "to_user_id": world.agent2_id})
    assert receiver.request({"type": "transfer_reject", "session_id": session_id})["type"] == "ack"
    sender.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    rejected = sender.wait_for(lambda f: f.get("event") == "message"
                               and f["data"].get("system_event") == "transfer_rejected")
    assert rejected["staff_only"] is True
    assert sender.request({"type": "send", "session_id": session_id, "text": "still mine"})["type"] == "ack"

    sender.request({"type": "transfer", "session_id": session_id, "to_user_id": world.agent2_id})
    wrong = receiver.request({"type": "transfer_cancel", "session_id": session_id})
    assert wrong["code"] == "forbidden"
    assert sender.request({"type": "transfer_cancel", "session_id": session_id})["type"] == "ack"
    late = receiver.request({"type": "transfer_accept", "session_id": session_id})
    assert late["code"] in ("not_found", "forbidden")
    for client in (sender, receiver):
        client.close()


def test_transfer_only_to_a_present_responder(world: World) -> None:
    session_id, _token, sender = _picked_chat(world)
    away = world.agent_socket(world.agent2)
    assert away.request({"type": "presence", "presence": "away"})["presence"] == "away"
    refused = sender.request({"type": "transfer", "session_id": session_id, "to_user_id": world.agent2_id})
    assert refused["code"] == "invalid_input"
    assert "Present" in refused["message"]
    away.request({"type": "presence", "presence": "present"})
    for client in (sender, away):
        client.close()


def test_visitor_resumes_after_reconnect_without_loss_or_repeat(world: World) -> None:
    session_id, token, agent = _picked_chat(world)
    visitor = world.visitor_socket(token)
    visitor.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    synced = visitor.wait_for(lambda f: f["type"] == "synced")
    visitor.drop()
    bodies = [f"while away {i}" for i in range(5)]
    for body in bodies:
        agent.request({"type": "send", "session_id": session_id, "text": body})
    back = world.visitor_socket(token)
    back.send({"type": "subscribe", "session_id": session_id, "last_seq": synced["seq"]})
    caught_up = back.wait_for(lambda f: f["type"] == "synced")
    replayed = [f for f in back.frames if f["type"] == "event"]
    assert [f["data"]["body"] for f in replayed] == bodies
    assert [f["seq"] for f in replayed] == list(range(synced["seq"] + 1, caught_up["seq"] + 1))
    live = agent.request({"type": "send", "session_id": session_id, "text": "live again"})
    back.wait_for(lambda f: f.get("seq") == live["seq"])
    for client in (agent, back):
        client.close()


def test_agent_feed_resumes_from_its_cursor(world: World) -> None:
    watcher = world.agent_socket(world.agent2)
    watcher.send({"type": "hello"})
    state = watcher.wait_for(lambda f: f["type"] == "agent_state")
    watcher.drop()
    missed = start_visitor_session(world.server.url, world.channel_id, question="while you were gone")
    back = world.agent_socket(world.agent2)
    back.send({"type": "hello", "cursor": state["cursor"]})
    synced = back.wait_for(lambda f: f["type"] == "synced" and "cursor" in f)
    replayed = [f for f in back.frames if f["type"] == "agent_event"]
    assert missed["session"]["session_id"] in [f["data"].get("session_id") for f in replayed]
    assert all(state["cursor"] < f["cursor"] <= synced["cursor"] for f in replayed)
    back.close()


def test_offline_form_leaves_a_request(world: World) -> None:
    for username in (world.agent1, world.agent2):
        client = world.agent_socket(username)
        client.request({"type": "presence", "presence": "away"})
        client.close()
    try:
        started = start_visitor_session(world.server.url, world.channel_id, name="Nils")
        assert started["session"]["status"] == "offline_form"
        response = requests.post(
            f"{world.server.url}/api/v1/visitor/sessions/{started['session']['session_id']}/request",
            json={"text": "Please call me back"}, headers={"Authorization": f"Bearer {started['token']}"}, timeout=5,
        )
        assert response.status_code == 201
        body = response.json()
        assert body["request_id"] > 0
        assert body["session"]["status"] == "request_posted"
    finally:
        for username in (world.agent1, world.agent2):
            client = world.agent_socket(username)
            client.request({"type": "presence", "presence": "present"})
            client.close()
