"""People in browser contexts: a signed-in staff member's page, and a visitor over the protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.server import ServerProcess
from tests.wsclient import WsClient, start_visitor_session

LABELS = {
    "en": {"present": "Present", "username": "Username", "password": "Password", "sign_in": "Sign in"},
    "sv": {"present": "Närvarande", "username": "Username", "password": "Password", "sign_in": "Sign in"},
}


@dataclass
class StaffPage:
    page: Page
    language: str = "en"

    @classmethod
    def sign_in(cls, context: BrowserContext, server: ServerProcess, username: str, *, language: str = "en",
                path: str = "/workspace", present: bool = True) -> StaffPage:
        page = context.new_page()
        page.goto(f"{server.url}/login?next={path}")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("demo")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"**{path}")
        staff = cls(page, language)
        staff.wait_live()
        if present:
            checkbox = page.get_by_label(LABELS[language]["present"])
            checkbox.check()
            expect(checkbox).to_be_checked()
            page.wait_for_function("window.chatRT.user.presence === 'present'")
        return staff

    def wait_live(self) -> None:
        expect(self.page.locator("#rt-status")).to_have_text("Live")

    def row(self, visitor_name: str) -> Any:
        return self.page.locator("#ws-session-list [data-session-id]", has_text=visitor_name)

    def messages(self) -> Any:
        return self.page.locator("#ws-messages")

    def write(self, text: str) -> None:
        composer = self.page.locator("#ws-composer")
        composer.fill(text)
        composer.press("Enter")
        expect(self.messages()).to_contain_text(text)


@dataclass
class Visitor:
    server: ServerProcess
    session_id: int
    token: str
    socket: WsClient

    @classmethod
    def start(cls, server: ServerProcess, channel_id: int = 1, **fields: Any) -> Visitor:
        fields = {"consent": True, "name": "Visitor", "email": "visitor@example.org", **fields}
        started = start_visitor_session(server.url, channel_id, **fields)
        session_id = started["session"]["session_id"]
        assert started["session"]["status"] == "in_queue", started
        socket = WsClient(f"{server.ws_url}/ws/visitor?token={started['token']}")
        socket.send({"type": "subscribe", "session_id": session_id, "last_seq": 0})
        socket.wait_for(lambda f: f["type"] == "synced")
        return cls(server, session_id, started["token"], socket)

    def say(self, text: str) -> dict[str, Any]:
        ack = self.socket.request({"type": "send", "session_id": self.session_id, "text": text})
        assert ack["type"] == "ack", ack
        return ack

    def draft(self, text: str) -> None:
        self.socket.send({"type": "draft", "session_id": self.session_id, "text": text})

    def hears(self, text: str) -> dict[str, Any]:
        return self.socket.wait_for(lambda f: f.get("event") == "message" and f["data"]["body"] == text)

    def leave(self) -> None:
        self.socket.request({"type": "end", "session_id": self.session_id})
        self.socket.close()
