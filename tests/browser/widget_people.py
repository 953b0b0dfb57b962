"""The two sides of a widget test: a visitor's page on the demo website, and an agent over the real protocol."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.server import ServerProcess
from tests.wsclient import Frame, WsClient, login_cookie

SUPPORT_BADGE = "Need help? Chat with us"
CONSENT = "I agree that my name, e-mail and this conversation are stored"


def widget_server(tmp_path_factory: pytest.TempPathFactory, name: str, **env: str) -> Iterator[ServerProcess]:
    """The product as `CHAT_DEMO=1 python app.py` runs it (demo website included), production send limit."""
    process = ServerProcess(tmp_path_factory.mktemp(name), {
        "CHAT_DEMO": "1", "CHAT_VISITOR_MESSAGES_PER_SECOND": "2", **env})
    process.start(timeout=60)
    yield process
    process.stop()


@dataclass
class ProtocolAgent:
    """An agent over /ws/agent, as the workspace talks to the server."""

    server: ServerProcess
    username: str = "agent1"
    ws: WsClient = field(init=False)

    def __post_init__(self) -> None:
        self.connect()

    def connect(self) -> None:
        cookie = login_cookie(self.server.url, self.username, "demo")
        self.ws = WsClient(f"{self.server.ws_url}/ws/agent", cookie=cookie)
        assert self.ws.request({"type": "presence", "presence": "present"})["type"] == "ack"
        self.ws.send({"type": "hello"})
        self.ws.wait_for(lambda f: f["type"] == "agent_state")

    def queued(self, visitor_name: str, timeout: float = 15) -> int:
        """The chat a visitor of that name just queued (the newest one)."""
        frame = self.ws.wait_for(lambda f: f.get("type") == "agent_event" and f["event"] == "session_queued"
                                 and f["data"]["visitor_name"] == visitor_name, timeout)
        session_id: int = frame["data"]["session_id"]
        return session_id

    def answer(self, session_id: int) -> None:
        assert self.ws.request({"type": "pick_up", "session_id": session_id})["type"] == "ack"
        self.follow(session_id)

    def follow(self, session_id: int) -> None:
        self.ws.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
        self.ws.wait_for(lambda f: f["type"] == "synced" and f.get("session_id") == session_id)

    def say(self, session_id: int, text: str) -> int:
        ack = self.ws.request({"type": "send", "session_id": session_id, "text": text})
        assert ack["type"] == "ack", ack
        seq: int = ack["seq"]
        return seq

    def request(self, frame: Frame) -> Frame:
        answer = self.ws.request(frame)
        assert answer["type"] == "ack", answer
        return answer

    def sees(self, session_id: int, body: str, timeout: float = 15) -> Frame:
        return self.ws.wait_for(lambda f: f.get("type") == "event" and f["session_id"] == session_id
                                and f["event"] == "message" and f["data"]["body"] == body, timeout)

    def bodies(self, session_id: int, author: str) -> list[str]:
        """Every message body of one author this socket received, once per sequence number."""
        by_seq = {f["seq"]: f["data"]["body"] for f in self.ws.events(session_id, "message")
                  if f["data"]["author"] == author}
        return [by_seq[seq] for seq in sorted(by_seq)]

    def close(self) -> None:
        self.ws.close()


@dataclass
class VisitorPage:
    """A visitor on the demo company website (another origin than the chat server)."""

    page: Page
    server: ServerProcess

    def visit(self, path: str = "/") -> VisitorPage:
        self.page.goto(f"{self.server.demo_site_url}{path}")
        return self

    def open(self, badge: str = SUPPORT_BADGE) -> None:
        self.page.get_by_role("button", name=badge).click()
        expect(self.page.get_by_role("dialog")).to_be_visible()

    def fill_prechat(self, name: str, email: str, question: str, *, consent: str = CONSENT) -> None:
        self.page.get_by_role("textbox", name="Name").fill(name)
        self.page.get_by_role("textbox", name="E-mail").fill(email)
        self.page.get_by_role("textbox", name="Your question").fill(question)
        self.page.get_by_role("checkbox", name=consent).check()
        self.page.get_by_role("button", name="Start chat").click()

    def log(self) -> Locator:
        return self.page.get_by_role("log", name="Messages")

    def write(self, text: str) -> None:
        composer = self.page.get_by_role("textbox", name="Write a message")
        composer.fill(text)
        composer.press("Enter")

    def shows_once(self, text: str) -> None:
        message = self.log().get_by_text(text, exact=True)
        expect(message).to_be_visible()
        expect(message).to_have_count(1)

    def outbox(self) -> list[Path]:
        folder = self.server.data_dir / "outbox"
        return sorted(folder.glob("*.eml")) if folder.exists() else []
