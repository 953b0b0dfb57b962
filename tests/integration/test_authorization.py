"""Who may do what, over real sockets and REST: every refusal has an exact code and a readable message."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from sqlalchemy import text

from chat.db import Database
from chat.tokens import VisitorTokens
from tests.factories import PASSWORD
from tests.integration.conftest import World
from tests.wsclient import Frame, WsClient, login_cookie, start_visitor_session


# --- helpers --------------------------------------------------------------------------------------
def assert_sentence(message: Any) -> None:
    """A message for people: a non-empty sentence, not a code or a stack trace."""
    assert isinstance(message, str), message
    assert message.strip() == message and len(message) >= 10, message
    assert " " in message and message[0].isupper() and message.endswith("."), message
    assert "Traceback" not in message, message


def assert_refused(reply: Frame, code: str) -> None:
    assert reply["type"] == "error", reply
    assert reply["code"] == code, reply
    assert set(reply) == {"type", "code", "message", "id"}, reply
    assert_sentence(reply["message"])


def assert_rest_refused(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert_sentence(error["message"])


def session_state(database: Database, session_id: int) -> dict[str, Any]:
    """Everything a refused frame must leave alone for one chat."""
    with database.read() as db:
        row = db.execute(text(
            "SELECT status, last_seq, agent_id, rating, rating_comment, upload_allowed, ended_at, ended_by "
            "FROM chat_sessions WHERE id = :id"), {"id": session_id}).one()
        counts = {
            table: db.scalar(text(f"SELECT count(*) FROM {table} WHERE session_id = :id"), {"id": session_id})
            for table in ("messages", "session_events", "transfers", "audit_log")
        }
        read_marks = db.scalar(text("SELECT count(*) FROM messages WHERE session_id = :id AND read_at IS NOT NULL"),
                               {"id": session_id})
        agent_events = db.scalar(text("SELECT count(*) FROM agent_events"))
    return {"row": tuple(row), "read_marks": read_marks, "agent_events": agent_events, **counts}


def frames_of(client: WsClient, session_id: int) -> list[Frame]:
    return [f for f in list(client.frames) if f.get("session_id") == session_id and f["type"] != "error"]


def round_trip(client: WsClient) -> None:
    """Everything the server queued for this socket before now has arrived once the pong is here."""
    assert client.request({"type": "ping"})["pong"] is True


def closed_after_refusal(client: WsClient) -> bool:
    try:
        client.wait_for(lambda _f: False, timeout=5)
    except TimeoutError:
        return client.closed
    return False


def cookie_for(world: World, username: str) -> str:
    return login_cookie(world.server.url, username, PASSWORD)


def events_url(world: World, session_id: int) -> str:
    return f"{world.server.url}/api/v1/sessions/{session_id}/events"


def active_chat(world: World, agent: WsClient, question: str = "Hi") -> tuple[int, str]:
    """A chat picked up by `agent`, with one agent message; returns its id and the visitor token."""
    started = start_visitor_session(world.server.url, world.channel_id, question=question)
    session_id = started["session"]["session_id"]
    assert agent.request({"type": "pick_up", "session_id": session_id})["type"] == "ack"
    assert agent.request({"type": "send", "session_id": session_id, "text": "How can I help?"})["type"] == "ack"
    return session_id, started["token"]


# --- visitors -------------------------------------------------------------------------------------
FOREIGN_VISITOR_FRAMES = [
    pytest.param({"type": "subscribe", "last_seq": 0}, id="subscribe"),
    pytest.param({"type": "send", "text": "Let me in"}, id="send"),
    pytest.param({"type": "read", "up_to_seq": 100}, id="read"),
    pytest.param({"type": "end"}, id="end"),
    pytest.param({"type": "rate", "rating": 1, "comment": "bad"}, id="rate"),
    pytest.param({"type": "typing", "active": True}, id="typing"),
    pytest.param({"type": "draft", "text": "psst"}, id="draft"),
]


@pytest.mark.parametrize("frame", FOREIGN_VISITOR_FRAMES)
def test_visitor_cannot_touch_another_visitors_chat(world: World, arrange: Database, frame: Frame) -> None:
    agent = world.agent_socket(world.agent1)
    chat_b, token_b = active_chat(world, agent, "I am visitor B")
    visitor_b = world.visitor_socket(token_b)
    visitor_b.send({"type": "subscribe", "session_id": chat_b, "last_seq": 0})
    visitor_b.wait_for(lambda f: f["type"] == "synced" and f["session_id"] == chat_b)
    # B's visitor wrote something the agent has not read yet, so a stolen read mark would show.
    assert visitor_b.request({"type": "send", "id": "b-1", "session_id": chat_b, "text": "secret"})["type"] == "ack"
    started_a = start_visitor_session(world.server.url, world.channel_id, question="I am visitor A")
    visitor_a = world.visitor_socket(started_a["token"])
    before = session_state(arrange, chat_b)

    reply = visitor_a.request({**frame, "session_id": chat_b})

    assert_refused(reply, "not_found")
    assert str(chat_b) in reply["message"]
    assert session_state(arrange, chat_b) == before
    # B's chat goes on; A, who tried, must not see any of it.
    marker = agent.request({"type": "send", "session_id": chat_b, "text": "A reply only B may see"})
    visitor_b.wait_for(lambda f: f.get("type") == "event" and f.get("seq") == marker["seq"])
    round_trip(visitor_a)
    assert frames_of(visitor_a, chat_b) == []
    assert "secret" not in str(visitor_a.frames) and "only B may see" not in str(visitor_a.frames)
    for client in (agent, visitor_a, visitor_b):
        client.close()


def test_visitor_cannot_read_another_visitors_chat_over_rest(world: World) -> None:
    started_a = start_visitor_session(world.server.url, world.channel_id, question="A")
    started_b = start_visitor_session(world.server.url, world.channel_id, name="Beatrice",
                                      question="Visitor B's private question")
    chat_a, chat_b = started_a["session"]["session_id"], started_b["session"]["session_id"]
    headers = {"Authorization": f"Bearer {started_a['token']}"}

    own = requests.get(f"{world.server.url}/api/v1/visitor/sessions/{chat_a}", headers=headers, timeout=10)
    assert own.status_code == 200 and own.json()["session"]["session_id"] == chat_a
    other = requests.get(f"{world.server.url}/api/v1/visitor/sessions/{chat_b}", headers=headers, timeout=10)
    assert_rest_refused(other, 404, "not_found")
    missing = requests.get(f"{world.server.url}/api/v1/visitor/sessions/{chat_b + 10_000}", headers=headers,
                           timeout=10)
    assert_rest_refused(missing, 404, "not_found")
    assert list(other.json()) == ["error"]
    assert "Beatrice" not in other.text and "private question" not in other.text


def _bad_tokens(world: World) -> list[str]:
    valid = start_visitor_session(world.server.url, world.channel_id)["token"]
    forged = VisitorTokens("not-the-server-secret").issue(1)
    tampered = valid[:-2] + ("AA" if not valid.endswith("AA") else "BB")
    return ["", "garbage", "a.b.c", forged, tampered]


@pytest.mark.parametrize("which", range(5), ids=["empty", "garbage", "dotted", "forged", "tampered"])
def test_invalid_visitor_token_is_refused_on_socket_and_rest(world: World, which: int) -> None:
    token = _bad_tokens(world)[which]
    visitor = world.visitor_socket(token)
    refusal = visitor.wait_for(lambda f: f["type"] == "error")
    assert_refused(refusal, "unauthorized")
    assert refusal["id"] is None
    assert closed_after_refusal(visitor), "the socket stayed open after an unauthorized handshake"
    assert visitor.frames == [refusal]

    response = requests.get(f"{world.server.url}/api/v1/visitor/sessions/1",
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert_rest_refused(response, 401, "unauthorized")


def test_missing_visitor_token_is_refused_on_socket_and_rest(world: World) -> None:
    visitor = WsClient(f"{world.server.ws_url}/ws/visitor")
    refusal = visitor.wait_for(lambda f: f["type"] == "error")
    assert_refused(refusal, "unauthorized")
    assert closed_after_refusal(visitor)

    response = requests.get(f"{world.server.url}/api/v1/visitor/sessions/1", timeout=10)
    assert_rest_refused(response, 401, "unauthorized")


# --- staff without rights -------------------------------------------------------------------------
def test_outsider_cannot_pick_up_read_or_listen(world: World, arrange: Database) -> None:
    """The outsider is a staff user with no membership in the chat's channel."""
    started = start_visitor_session(world.server.url, world.channel_id, question="Is anyone there?")
    chat = started["session"]["session_id"]
    visitor = world.visitor_socket(started["token"])
    outsider = world.agent_socket(world.outsider)
    outsider.send({"type": "hello"})
    outsider.wait_for(lambda f: f["type"] == "agent_state")
    before = session_state(arrange, chat)

    pick_up = outsider.request({"type": "pick_up", "session_id": chat})
    assert_refused(pick_up, "forbidden")
    assert "respond" in pick_up["message"]
    subscribe = outsider.request({"type": "subscribe", "session_id": chat, "last_seq": 0})
    assert_refused(subscribe, "forbidden")
    listen = outsider.request({"type": "listen", "session_id": chat, "last_seq": 0})
    assert_refused(listen, "forbidden")
    get_next = outsider.request({"type": "get_next"})
    assert_refused(get_next, "queue_empty")
    assert session_state(arrange, chat) == before

    # The chat moves on (a visitor message while queued, then a pick-up): the outsider sees nothing of it.
    assert visitor.request({"type": "send", "id": "v-1", "session_id": chat, "text": "Hello?"})["type"] == "ack"
    agent = world.agent_socket(world.agent1)
    assert agent.request({"type": "pick_up", "session_id": chat})["type"] == "ack"
    assert_refused(outsider.request({"type": "subscribe", "session_id": chat, "last_seq": 0}), "forbidden")
    round_trip(outsider)
    assert frames_of(outsider, chat) == []
    assert not [f for f in outsider.frames if f["type"] == "event"]
    assert not [f for f in outsider.frames if f["type"] == "agent_event" and f["data"].get("session_id") == chat]

    cookie = cookie_for(world, world.outsider)
    response = requests.get(events_url(world, chat), headers={"Cookie": cookie}, timeout=10)
    assert_rest_refused(response, 403, "forbidden")
    for client in (outsider, agent, visitor):
        client.close()


def test_agent_who_does_not_handle_the_chat_cannot_write_end_or_transfer_it(world: World, arrange: Database) -> None:
    agent1 = world.agent_socket(world.agent1)
    chat, _token = active_chat(world, agent1)
    agent2 = world.agent_socket(world.agent2)
    before = session_state(arrange, chat)

    attempts: list[Frame] = [
        {"type": "send", "session_id": chat, "text": "I am not your agent"},
        {"type": "end", "session_id": chat},
        {"type": "transfer", "session_id": chat, "to_user_id": world.agent2_id},
        {"type": "read", "session_id": chat, "up_to_seq": 100},
        {"type": "allow_upload", "session_id": chat},
        {"type": "take_over", "session_id": chat},
    ]
    for frame in attempts:
        assert_refused(agent2.request(frame), "forbidden")
    assert session_state(arrange, chat) == before
    for client in (agent1, agent2):
        client.close()


def test_supervisor_can_listen_but_not_pick_up_or_write(world: World, arrange: Database) -> None:
    started = start_visitor_session(world.server.url, world.channel_id, question="My order is late")
    chat = started["session"]["session_id"]
    supervisor = world.agent_socket(world.supervisor)

    before = session_state(arrange, chat)
    pick_up = supervisor.request({"type": "pick_up", "session_id": chat})
    assert_refused(pick_up, "forbidden")
    assert_refused(supervisor.request({"type": "get_next"}), "queue_empty")
    assert session_state(arrange, chat) == before

    agent = world.agent_socket(world.agent1)
    assert agent.request({"type": "pick_up", "session_id": chat})["type"] == "ack"
    hello = agent.request({"type": "send", "session_id": chat, "text": "Let me check that for you."})
    supervisor.send({"type": "listen", "session_id": chat, "last_seq": 0})
    synced = supervisor.wait_for(lambda f: f["type"] == "synced" and f["session_id"] == chat)
    assert synced["seq"] >= hello["seq"]
    bodies = [f["data"].get("body") for f in supervisor.events(chat, "message")]
    assert "My order is late" in bodies and "Let me check that for you." in bodies

    visitor = world.visitor_socket(started["token"])
    live = visitor.request({"type": "send", "id": "v-1", "session_id": chat, "text": "Thanks"})
    supervisor.wait_for(lambda f: f.get("type") == "event" and f.get("seq") == live["seq"])

    before = session_state(arrange, chat)
    send = supervisor.request({"type": "send", "session_id": chat, "text": "Hello from the supervisor"})
    assert_refused(send, "forbidden")
    assert session_state(arrange, chat) == before
    round_trip(visitor)
    assert "Hello from the supervisor" not in str(visitor.frames)

    cookie = cookie_for(world, world.supervisor)
    assert requests.get(events_url(world, chat), headers={"Cookie": cookie}, timeout=10).status_code == 200
    for client in (supervisor, agent, visitor):
        client.close()


def test_queue_preview_ends_when_another_agent_picks_the_chat_up(world: World) -> None:
    """Reading a queued chat is a preview for agents who may respond; once agent1 has it, agent2 has no
    right to read it (REST answers 403), so agent2's socket must stop receiving its events too."""
    started = start_visitor_session(world.server.url, world.channel_id, question="Queued question")
    chat = started["session"]["session_id"]
    agent2 = world.agent_socket(world.agent2)
    agent2.send({"type": "subscribe", "session_id": chat, "last_seq": 0})
    agent2.wait_for(lambda f: f["type"] == "synced" and f["session_id"] == chat)

    agent1 = world.agent_socket(world.agent1)
    assert agent1.request({"type": "pick_up", "session_id": chat})["type"] == "ack"
    cookie = cookie_for(world, world.agent2)
    assert_rest_refused(requests.get(events_url(world, chat), headers={"Cookie": cookie}, timeout=10),
                        403, "forbidden")
    assert_refused(agent2.request({"type": "subscribe", "session_id": chat, "last_seq": 0}), "forbidden")

    private = agent1.request({"type": "send", "session_id": chat, "text": "Private answer for the visitor"})
    assert private["type"] == "ack"
    round_trip(agent2)  # the in-process bus delivered the message before agent1's ack; ordering does the rest
    leaked = [f["seq"] for f in agent2.frames if f.get("type") == "event" and f.get("session_id") == chat
              and f["seq"] >= private["seq"]]
    assert leaked == [], "agent2 keeps receiving a chat it may no longer read"
    for client in (agent1, agent2):
        client.close()


# --- staff authentication -------------------------------------------------------------------------
@pytest.mark.parametrize("cookie", [None, "session=not-a-signed-cookie"], ids=["no-cookie", "bad-cookie"])
def test_agent_socket_without_a_login_is_refused(world: World, cookie: str | None) -> None:
    client = WsClient(f"{world.server.ws_url}/ws/agent", cookie=cookie)
    refusal = client.wait_for(lambda f: f["type"] == "error")
    assert_refused(refusal, "unauthorized")
    assert refusal["id"] is None
    assert closed_after_refusal(client), "the agent socket stayed open without a login"

    response = requests.get(f"{world.server.url}/api/v1/me", headers={"Cookie": cookie} if cookie else {},
                            timeout=10)
    assert_rest_refused(response, 401, "unauthorized")


@pytest.mark.parametrize("password", ["wrong-password", "", PASSWORD.upper()])
def test_wrong_password_is_refused(world: World, password: str) -> None:
    response = requests.post(f"{world.server.url}/login", json={"username": world.agent1, "password": password},
                             timeout=10)
    assert_rest_refused(response, 401, "unauthorized")
    assert "session" not in response.cookies


def test_unknown_user_is_refused_like_a_wrong_password(world: World) -> None:
    unknown = requests.post(f"{world.server.url}/login", json={"username": "nobody-here", "password": PASSWORD},
                            timeout=10)
    wrong = requests.post(f"{world.server.url}/login", json={"username": world.agent1, "password": "nope"},
                          timeout=10)
    assert_rest_refused(unknown, 401, "unauthorized")
    assert unknown.json() == wrong.json()
