"""The widget's server side over real HTTP and WebSockets: the script, allowed origins and CORS, FAQ,
queue position, attachments, transcripts by e-mail and the visitors' send limit."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import websocket
from sqlalchemy import select

from chat.db import Database
from chat.models import Channel, FaqArticle, Folder, Message
from tests.factories import make_channel, make_user
from tests.integration.conftest import World
from tests.server import ServerProcess
from tests.smtp_sink import SmtpSink
from tests.wsclient import WsClient, login_cookie, start_visitor_session

SHOP = "https://shop.example.com"
EVIL = "https://evil.example"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def assert_sentence(message: Any) -> None:
    assert isinstance(message, str) and len(message) >= 10 and message[0].isupper() and message.endswith("."), message


def _answer_to(frame_id: str, old: list[dict[str, Any]] | None = None) -> Callable[[dict[str, Any]], bool]:
    """The ack or error for `frame_id` that is none of the `old` frames."""
    def answers(frame: dict[str, Any]) -> bool:
        return (frame.get("id") == frame_id and frame["type"] in ("ack", "error")
                and all(frame is not seen for seen in old or ()))
    return answers


def assert_refused(reply: dict[str, Any], code: str, frame_id: str) -> None:
    assert (reply["type"], reply["code"], reply["id"]) == ("error", code, frame_id), reply
    assert_sentence(reply["message"])


def assert_rest_refused(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert_sentence(response.json()["error"]["message"])


@pytest.fixture(scope="module")
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sink: SmtpSink) -> Iterator[ServerProcess]:
    """The production send limit, a small upload limit, and mail to a local SMTP server."""
    process = ServerProcess(tmp_path_factory.mktemp("widget-edge"), {
        "CHAT_VISITOR_MESSAGES_PER_SECOND": "2", "CHAT_UPLOAD_MAX_MB": "0.01", "CHAT_SMTP_URL": sink.start(),
        "CHAT_MAIL_FROM": "support@example.com",
    })
    process.start()
    yield process
    process.stop()


def visitor_get(world: World, path: str, *, token: str | None = None, origin: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if origin:
        headers["Origin"] = origin
    return requests.get(f"{world.server.url}{path}", headers=headers, timeout=10)


def visitor_post(world: World, path: str, body: Any = None, *, token: str | None = None, origin: str | None = None,
                 data: bytes | None = None, content_type: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if origin:
        headers["Origin"] = origin
    if content_type:
        headers["Content-Type"] = content_type
    return requests.post(f"{world.server.url}{path}", json=body, data=data, headers=headers, timeout=10)


def answered(world: World, agent: WsClient, **fields: Any) -> tuple[int, str]:
    started = start_visitor_session(world.server.url, world.channel_id, **{"question": "Hello", **fields})
    session_id = started["session"]["session_id"]
    assert agent.request({"type": "pick_up", "session_id": session_id})["type"] == "ack"
    return session_id, started["token"]


# --- the script -----------------------------------------------------------------------------------
def test_widget_js_is_one_revalidated_script_that_never_writes_html(world: World) -> None:
    response = requests.get(f"{world.server.url}/widget.js", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    for html_sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert html_sink not in response.text
    again = requests.get(f"{world.server.url}/widget.js", headers={"If-None-Match": response.headers["ETag"]},
                         timeout=10)
    assert again.status_code == 304


def test_demo_redirect_only_in_demo_mode(world: World) -> None:
    response = requests.get(f"{world.server.url}/demo", allow_redirects=False, timeout=10)
    assert_rest_refused(response, 404, "not_found")


# --- allowed origins and CORS ---------------------------------------------------------------------
@pytest.fixture
def guarded(arrange: Database, world: World) -> int:
    """A channel that only https://shop.example.com may embed, answered by world.agent1."""
    with arrange.write() as db:
        channel = make_channel(db, name="Guarded", allowed_origins=[SHOP])
        make_user(db, channels=(channel,))
        return channel.id


def test_a_foreign_site_is_refused_with_a_readable_error(world: World, guarded: int) -> None:
    for response in (
        visitor_get(world, f"/api/v1/visitor/channels/{guarded}", origin=EVIL),
        visitor_get(world, f"/api/v1/channels/{guarded}/widget", origin=EVIL),
        visitor_get(world, f"/api/v1/visitor/channels/{guarded}/faq?q=password", origin=EVIL),
        visitor_post(world, "/api/v1/visitor/sessions", {"channel_id": guarded, "question": "Hi"}, origin=EVIL),
    ):
        assert_rest_refused(response, 403, "origin_not_allowed")
        assert EVIL in response.json()["error"]["message"] and "Guarded" in response.json()["error"]["message"]
        assert response.headers["Access-Control-Allow-Origin"] == EVIL  # so the widget can show why


def test_the_allowed_site_and_calls_without_origin_get_through(world: World, guarded: int) -> None:
    assert visitor_get(world, f"/api/v1/visitor/channels/{guarded}", origin=SHOP).status_code == 200
    started = visitor_post(world, "/api/v1/visitor/sessions", {"channel_id": guarded, "question": "Hi"}, origin=SHOP)
    assert started.status_code == 201
    assert started.headers["Access-Control-Allow-Origin"] == SHOP
    token, session_id = started.json()["token"], started.json()["session"]["session_id"]
    assert visitor_get(world, f"/api/v1/visitor/sessions/{session_id}", token=token).status_code == 200
    stolen = visitor_get(world, f"/api/v1/visitor/sessions/{session_id}", token=token, origin=EVIL)
    assert_rest_refused(stolen, 403, "origin_not_allowed")
    own_origin = visitor_get(world, f"/api/v1/visitor/sessions/{session_id}", token=token, origin=world.server.url)
    assert own_origin.status_code == 200


def test_the_websocket_handshake_checks_the_origin_too(world: World, guarded: int) -> None:
    started = start_visitor_session(world.server.url, guarded, question="Hi")
    url = f"{world.server.ws_url}/ws/visitor?token={started['token']}"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, origin=EVIL, timeout=5)
    assert refused.value.status_code == 403
    allowed = websocket.create_connection(url, origin=SHOP, timeout=5)
    allowed.close()


def test_cors_preflight_names_the_token_header(world: World) -> None:
    response = requests.options(f"{world.server.url}/api/v1/visitor/sessions", timeout=10, headers={
        "Origin": SHOP, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Origin" in response.headers["Vary"]


# --- channel config, FAQ, queue -------------------------------------------------------------------
def test_channel_config_tells_the_widget_what_it_needs(world: World) -> None:
    body = visitor_get(world, f"/api/v1/visitor/channels/{world.channel_id}").json()
    assert body["channel"]["available"] is True and body["channel"]["name"] == "Support"
    assert body["limits"]["message_chars"] == 1024 and ".png" in body["limits"]["upload_extensions"]
    assert body["limits"]["upload_max_bytes"] == int(0.01 * 1024 * 1024)
    assert body["features"] == {"transcript_email": True}
    assert_rest_refused(visitor_get(world, "/api/v1/visitor/channels/999999"), 404, "not_found")


def test_faq_suggestions_for_the_first_question(world: World, arrange: Database) -> None:
    with arrange.write() as db:
        folder = Folder(name="FAQ", kind="faq")
        db.add(folder)
        db.flush()
        db.add(FaqArticle(folder_id=folder.id, question="How do I reset my password?", answer="Use the link.",
                          keywords="password, reset"))
        channel = db.get(Channel, world.channel_id)
        assert channel is not None
        channel.faq_folder_id = folder.id
    body = visitor_get(world, f"/api/v1/visitor/channels/{world.channel_id}/faq?q=I+lost+my+password").json()
    assert [a["question"] for a in body["articles"]] == ["How do I reset my password?"]
    assert body["articles"][0]["answer"] == "Use the link."


def test_queue_position_and_estimate_follow_the_queue(world: World) -> None:
    first = start_visitor_session(world.server.url, world.channel_id, question="First")
    second = start_visitor_session(world.server.url, world.channel_id, question="Second")
    second_id = second["session"]["session_id"]
    queue = visitor_get(world, f"/api/v1/visitor/sessions/{second_id}/queue", token=second["token"]).json()["queue"]
    assert (queue["position"], queue["queue_length"]) == (2, 2)
    assert isinstance(queue["estimated_wait_seconds"], int) and queue["estimated_wait_seconds"] > 0
    visitor = world.visitor_socket(second["token"])
    visitor.send({"type": "subscribe", "session_id": second_id, "last_seq": 0})
    visitor.wait_for(lambda f: f["type"] == "synced")
    agent = world.agent_socket(world.agent1)
    assert agent.request({"type": "pick_up", "session_id": first["session"]["session_id"]})["type"] == "ack"
    moved = visitor.wait_for(lambda f: f.get("event") == "queue")
    assert (moved["data"]["position"], moved["data"]["queue_length"]) == (1, 1)
    assert moved["data"]["estimated_wait_seconds"] < queue["estimated_wait_seconds"]
    assert agent.request({"type": "pick_up", "session_id": second_id})["type"] == "ack"
    answered_now = visitor_get(world, f"/api/v1/visitor/sessions/{second_id}/queue", token=second["token"])
    assert answered_now.json() == {"queue": None}
    for client in (agent, visitor):
        client.close()


# --- attachments ----------------------------------------------------------------------------------
def test_attachment_after_the_agent_allowed_it_reaches_the_agent(world: World) -> None:
    agent = world.agent_socket(world.agent1)
    session_id, token = answered(world, agent)
    upload = f"/api/v1/visitor/sessions/{session_id}/attachments?filename=screen.png"
    too_early = visitor_post(world, upload, token=token, data=PNG, content_type="image/png")
    assert_rest_refused(too_early, 403, "forbidden")
    assert agent.request({"type": "allow_upload", "session_id": session_id})["type"] == "ack"
    agent.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
    agent.wait_for(lambda f: f["type"] == "synced")

    stored = visitor_post(world, upload, token=token, data=PNG, content_type="image/png")
    assert stored.status_code == 201, stored.text
    seen = agent.wait_for(lambda f: f.get("event") == "message" and f["data"]["kind"] == "attachment")
    assert seen["data"]["body"] == "screen.png" and seen["data"]["author"] == "visitor"
    attachment_id = seen["data"]["attachment_id"]
    cookie = login_cookie(world.server.url, world.agent1, "secret-pass")
    as_agent = requests.get(f"{world.server.url}/api/v1/attachments/{attachment_id}", headers={"Cookie": cookie},
                            timeout=10)
    assert as_agent.content == PNG and as_agent.headers["Content-Type"] == "image/png"
    assert as_agent.headers["X-Content-Type-Options"] == "nosniff"

    listed = visitor_get(world, f"/api/v1/visitor/sessions/{session_id}/attachments", token=token).json()
    link = listed["attachments"][0]["url"]
    assert listed["attachments"][0]["is_image"] is True
    assert requests.get(link, timeout=10).content == PNG  # a signed link needs no token: <img src> works
    forged = requests.get(link[:-3] + "abc", timeout=10)
    assert_rest_refused(forged, 403, "forbidden")
    assert_rest_refused(requests.get(f"{world.server.url}/api/v1/attachments/{attachment_id}", timeout=10),
                        401, "unauthorized")
    agent.close()


def test_oversize_and_disallowed_files_get_a_clear_refusal(world: World) -> None:
    agent = world.agent_socket(world.agent1)
    session_id, token = answered(world, agent)
    agent.request({"type": "allow_upload", "session_id": session_id})
    base = f"/api/v1/visitor/sessions/{session_id}/attachments"
    too_big = visitor_post(world, base + "?filename=big.png", token=token, data=PNG * 20)
    assert_rest_refused(too_big, 413, "too_large")
    assert "at most" in too_big.json()["error"]["message"]
    assert_rest_refused(visitor_post(world, base + "?filename=run.exe", token=token, data=b"MZ"), 422,
                        "invalid_input")
    assert_rest_refused(visitor_post(world, base + "?filename=x.png", token=token, data=b"<svg/>"), 422,
                        "invalid_input")
    listed = visitor_get(world, base, token=token).json()
    assert listed == {"attachments": []}
    agent.close()


def test_the_agent_can_send_a_file(world: World) -> None:
    agent = world.agent_socket(world.agent1)
    session_id, token = answered(world, agent)
    cookie = login_cookie(world.server.url, world.agent1, "secret-pass")
    sent = requests.post(f"{world.server.url}/api/v1/sessions/{session_id}/attachments?filename=guide.txt",
                         data=b"Step 1: breathe.", headers={"Cookie": cookie}, timeout=10)
    assert sent.status_code == 201, sent.text
    listed = visitor_get(world, f"/api/v1/visitor/sessions/{session_id}/attachments", token=token).json()
    assert [(a["filename"], a["uploaded_by"], a["is_image"]) for a in listed["attachments"]] == [
        ("guide.txt", "agent", False)]
    download = requests.get(listed["attachments"][0]["url"], timeout=10)
    assert download.content == b"Step 1: breathe."
    assert "attachment" in download.headers["Content-Disposition"]
    agent.close()


# --- transcript -----------------------------------------------------------------------------------
def test_transcript_by_email_at_most_three_times(world: World, sink: SmtpSink) -> None:
    agent = world.agent_socket(world.agent1)
    session_id, token = answered(world, agent, question="Where is my parcel?")
    agent.request({"type": "send", "session_id": session_id, "text": "It arrives tomorrow."})
    agent.request({"type": "end", "session_id": session_id})
    path = f"/api/v1/visitor/sessions/{session_id}/transcript"
    already = len(sink.mails)
    for _ in range(3):
        sent = visitor_post(world, path, {"email": "vera@example.com", "time_zone": "Europe/Stockholm"}, token=token)
        assert sent.status_code == 202, sent.text
        assert sent.json() == {"sent_to": "vera@example.com"}
    mail = sink.wait_for(already + 3)[-1]
    assert mail.recipients == ["vera@example.com"] and mail.sender == "support@example.com"
    content = mail.message.get_content()
    assert "You: Where is my parcel?" in content and "It arrives tomorrow." in content
    assert_rest_refused(visitor_post(world, path, {"email": "vera@example.com"}, token=token), 429, "rate_limited")
    assert_rest_refused(visitor_post(world, path, {"email": "nope"}, token=token), 422, "invalid_input")
    agent.close()


# --- too many messages per second -----------------------------------------------------------------
def test_too_fast_sends_are_refused_and_nothing_sent_is_lost(world: World, arrange: Database) -> None:
    agent = world.agent_socket(world.agent1)
    session_id, token = answered(world, agent)
    visitor = world.visitor_socket(token)
    ids = [f"burst-{i}" for i in range(16)]
    for client_id in ids:
        visitor.send({"type": "send", "id": client_id, "session_id": session_id, "text": client_id})
    answers = {}
    for client_id in ids:
        answers[client_id] = visitor.wait_for(_answer_to(client_id))
    refused = [c for c, a in answers.items() if a["type"] == "error"]
    assert refused, "sixteen sends at once were all accepted"
    for client_id in refused:
        assert_refused(answers[client_id], "rate_limited", client_id)
    for client_id in refused:  # the widget sends them again a moment later, with the same ids
        while True:
            old = [f for f in visitor.frames if f.get("id") == client_id]
            visitor.send({"type": "send", "id": client_id, "session_id": session_id, "text": client_id})
            reply = visitor.wait_for(_answer_to(client_id, old))
            if reply["type"] == "ack":
                break
            assert reply["code"] == "rate_limited"
            time.sleep(0.6)
    with arrange.read() as db:
        bodies = list(db.scalars(select(Message.body).where(Message.session_id == session_id,
                                                            Message.author_kind == "visitor")))
    assert sorted(b for b in bodies if b.startswith("burst-")) == sorted(ids)
    for client in (agent, visitor):
        client.close()
