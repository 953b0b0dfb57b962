"""A visitor on the demo company website chats with an agent: pre-chat form, FAQ, queue, the chat,
post-chat, reload, a server restart and a file. The agent speaks the real WebSocket protocol."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
import requests
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from chat.models import ChatSession, Message
from tests.browser.widget_people import SUPPORT_BADGE, ProtocolAgent, VisitorPage, widget_server
from tests.server import ServerProcess
from tests.wsclient import login_cookie, start_visitor_session

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" \
      b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    yield from widget_server(tmp_path_factory, "widget-chat", CHAT_UPLOAD_MAX_MB="0.05")


@pytest.fixture
def agent(server: ServerProcess) -> Iterator[ProtocolAgent]:
    person = ProtocolAgent(server)
    yield person
    person.close()


@pytest.fixture
def visitor(server: ServerProcess, new_context: Callable[..., BrowserContext]) -> VisitorPage:
    return VisitorPage(new_context().new_page(), server)


def chatting(visitor: VisitorPage, agent: ProtocolAgent, name: str) -> int:
    """A visitor whose first question matches no FAQ article, answered by the agent."""
    visitor.visit().open()
    visitor.fill_prechat(name, f"{name.split(maxsplit=1)[0].lower()}@example.com", "Hello, a quick question")
    session_id = agent.queued(name)
    agent.answer(session_id)
    expect(visitor.page.get_by_text("Anna joined the chat.")).to_be_visible()
    return session_id


def test_prechat_faq_queue_and_a_whole_conversation(visitor: VisitorPage, agent: ProtocolAgent,
                                                    server: ServerProcess) -> None:
    early = start_visitor_session(server.url, 1, name="Early Bird", email="early@example.com", consent=True,
                                  question="First in line")
    page = visitor.visit().page
    assert page.evaluate("location.origin") != server.url  # the widget runs on another origin
    visitor.open(SUPPORT_BADGE)
    page.get_by_role("button", name="Start chat").click()
    expect(page.get_by_text("Please fill in name.")).to_be_visible()  # required fields are checked
    page.get_by_role("textbox", name="E-mail").fill("vera@example")
    page.get_by_role("button", name="Start chat").click()
    expect(page.get_by_text("Please enter a valid e-mail address")).to_be_visible()
    visitor.fill_prechat("Vera Visitor", "vera@example.com", "I forgot my password and can't log in")

    expect(page.get_by_text("These articles might answer your question:")).to_be_visible()
    page.get_by_text("How do I reset my password?").click()
    expect(page.get_by_text("Click 'Forgot password' on the login page")).to_be_visible()
    page.get_by_role("button", name="No, I want to chat with a person").click()

    queue = page.get_by_role("status").filter(has_text="in the queue")
    expect(queue).to_contain_text("You are number 2 in the queue.")
    expect(queue).to_contain_text(re.compile(r"Estimated wait: (about \d+ minutes?|less than a minute|about \d+ h)"))
    visitor.write("Are you still there?")  # writing while queued
    session_id = agent.queued("Vera Visitor")
    agent.answer(early["session"]["session_id"])
    expect(queue).to_contain_text("You are number 1 in the queue.")  # the queue moved

    agent.answer(session_id)
    expect(page.get_by_text("Anna joined the chat.")).to_be_visible()
    expect(page.get_by_role("dialog").locator("header").get_by_text("Anna", exact=True)).to_be_visible()
    expect(page.get_by_text("Welcome to Support! Tell us what you need help with")).to_be_visible()
    expect(queue).to_be_hidden()

    agent.ws.send({"type": "typing", "session_id": session_id, "active": True})
    expect(page.get_by_text("Anna is typing…")).to_be_visible()
    agent.say(session_id, "Hi Vera! I can help you with that.")
    visitor.shows_once("Hi Vera! I can help you with that.")

    page.get_by_role("textbox", name="Write a message").fill("My user name is vera.v")
    agent.ws.wait_for(lambda f: f.get("type") == "signal" and f["event"] == "typing"
                      and f["data"] == {"side": "visitor", "active": True})
    draft = agent.ws.wait_for(lambda f: f.get("type") == "signal" and f["event"] == "draft"
                              and f["data"]["text"] == "My user name is vera.v")
    assert draft["staff_only"] is True  # the sneak peek reaches staff only
    page.get_by_role("textbox", name="Write a message").press("Enter")
    last = agent.sees(session_id, "My user name is vera.v")
    agent.request({"type": "read", "session_id": session_id, "up_to_seq": last["seq"]})
    expect(visitor.log().get_by_text("Read", exact=True)).to_be_visible()
    agent.say(session_id, "I have sent you a new reset link.")

    from_visitor = ["I forgot my password and can't log in", "Are you still there?", "My user name is vera.v"]
    from_agent = ["Hi Vera! I can help you with that.", "I have sent you a new reset link."]
    for text in from_visitor + from_agent:
        visitor.shows_once(text)
    agent.sees(session_id, "Are you still there?")
    assert agent.bodies(session_id, "visitor") == from_visitor
    assert agent.bodies(session_id, "agent") == from_agent


def test_post_chat_rating_transcript_and_reopening(visitor: VisitorPage, agent: ProtocolAgent,
                                                   server: ServerProcess) -> None:
    session_id = chatting(visitor, agent, "Rita Rater")
    page = visitor.page
    agent.say(session_id, "Anything else?")
    agent.request({"type": "end", "session_id": session_id})
    expect(page.get_by_text("Anna ended the chat.")).to_be_visible()

    page.get_by_role("radio", name="5 of 5 stars").check()
    page.get_by_role("textbox", name="Comment (optional)").fill("Quick and kind")
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_text("Thank you for your feedback!")).to_be_visible()

    transcript = page.get_by_role("textbox", name="E-mail for the transcript")
    expect(transcript).to_have_value("rita@example.com")  # from the pre-chat form
    page.get_by_role("button", name="E-mail me the transcript").click()
    expect(page.get_by_text("The transcript is on its way to rita@example.com.")).to_be_visible()
    mails = visitor.outbox()
    assert len(mails) == 1
    assert "You: Hello, a quick question" in mails[0].read_text() and "Anna: Anything else?" in mails[0].read_text()

    visitor.write("Oh, one more thing!")  # writing in a just-ended chat reopens it
    expect(page.get_by_text("The chat was reopened.")).to_be_visible()
    agent.sees(session_id, "Oh, one more thing!")
    database = server.database()
    with database.read() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        assert (chat.rating, chat.rating_comment, chat.status.value) == (5, "Quick and kind", "customer_last")
    database.dispose()


def test_a_reload_and_another_page_keep_the_conversation(visitor: VisitorPage, agent: ProtocolAgent) -> None:
    session_id = chatting(visitor, agent, "Rolf Reload")
    agent.say(session_id, "Let me check that.")
    visitor.write("Thanks, I'll wait.")
    agent.sees(session_id, "Thanks, I'll wait.")
    page = visitor.page

    page.reload()
    for text in ("Hello, a quick question", "Let me check that.", "Thanks, I'll wait."):
        visitor.shows_once(text)  # the panel is open again, nothing lost, nothing twice
    expect(page.get_by_text("Connected")).to_be_visible()

    page.get_by_role("link", name="Support", exact=True).click()  # another page of the site, same channel
    visitor.shows_once("Let me check that.")
    page.get_by_role("button", name="Minimise chat").click()
    agent.say(session_id, "Found it!")
    launcher = page.get_by_role("button", name=SUPPORT_BADGE)
    expect(launcher).to_contain_text("1")  # the unread counter while minimised
    expect(launcher).to_have_accessible_name(re.compile(r"\(1 unread\)"))
    launcher.click()
    visitor.shows_once("Found it!")
    expect(launcher).to_be_hidden()
    visitor.write("Great")
    agent.sees(session_id, "Great")
    assert agent.bodies(session_id, "visitor") == ["Hello, a quick question", "Thanks, I'll wait.", "Great"]


def test_too_long_and_too_fast_get_a_clear_message_and_nothing_is_lost(visitor: VisitorPage,
                                                                        agent: ProtocolAgent) -> None:
    session_id = chatting(visitor, agent, "Bo Burst")
    page = visitor.page
    composer = page.get_by_role("textbox", name="Write a message")
    composer.fill("y" * 1100)
    composer.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Your message is too long: 1100 characters, at most 1024.")
           ).to_be_visible()
    expect(composer).to_have_value("y" * 1100)  # kept, to shorten
    burst = [f"Line {n}" for n in range(1, 25)]
    for line in burst:  # far faster than the server takes them (2 a second, bursts of 10)
        composer.fill(line)
        composer.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="You are sending messages quickly")).to_be_visible()
    agent.sees(session_id, "Line 24", timeout=30)
    for line in burst:
        visitor.shows_once(line)
    assert agent.bodies(session_id, "visitor") == ["Hello, a quick question", *burst]


def test_the_widget_comes_back_after_a_server_restart(visitor: VisitorPage, agent: ProtocolAgent,
                                                      server: ServerProcess) -> None:
    session_id = chatting(visitor, agent, "Sam Restart")
    agent.say(session_id, "Before the restart")
    visitor.shows_once("Before the restart")
    page = visitor.page

    server.kill()
    expect(page.get_by_text("Reconnecting…")).to_be_visible()
    visitor.write("Typed while the server was down")
    expect(page.get_by_text("Will be sent when the connection is back")).to_be_visible()
    server.start()
    agent.connect()
    agent.follow(session_id)

    agent.sees(session_id, "Typed while the server was down", timeout=30)
    expect(page.get_by_text("Connected")).to_be_visible(timeout=30)
    agent.say(session_id, "After the restart")
    visitor.write("And after")
    agent.sees(session_id, "And after")
    for text in ("Hello, a quick question", "Before the restart", "Typed while the server was down",
                 "After the restart", "And after"):
        visitor.shows_once(text)
    database = server.database()
    with database.read() as db:
        stored = list(db.scalars(select(Message.body).where(Message.session_id == session_id,
                                                           Message.author_kind != "system").order_by(Message.seq)))
    database.dispose()
    assert stored == ["Hello, a quick question", "Before the restart", "Typed while the server was down",
                      "After the restart", "And after"]


def test_a_file_after_the_agent_allowed_upload(visitor: VisitorPage, agent: ProtocolAgent,
                                               server: ServerProcess) -> None:
    session_id = chatting(visitor, agent, "Fia Files")
    page = visitor.page
    attach = page.get_by_role("button", name="Attach a file")
    expect(attach).to_be_hidden()
    agent.request({"type": "allow_upload", "session_id": session_id})
    expect(page.get_by_text("Anna allowed you to send files.")).to_be_visible()

    for name, payload, message in (
        ("tool.exe", b"MZ", "Files of type .exe cannot be sent."),
        ("huge.png", PNG + b"\x00" * 60_000, "The file huge.png is too big: at most 51 KB."),
    ):
        with page.expect_file_chooser() as chooser:
            attach.click()
        chooser.value.set_files({"name": name, "mimeType": "application/octet-stream", "buffer": payload})
        expect(page.get_by_role("alert").filter(has_text=message)).to_be_visible()

    with page.expect_file_chooser() as chooser:
        attach.click()
    chooser.value.set_files({"name": "screen.png", "mimeType": "image/png", "buffer": PNG})
    expect(visitor.log().get_by_role("img", name="screen.png")).to_be_visible()  # previewed
    seen = agent.ws.wait_for(lambda f: f.get("event") == "message" and f["data"]["kind"] == "attachment")
    assert seen["data"]["body"] == "screen.png"
    download = requests.get(f"{server.url}/api/v1/attachments/{seen['data']['attachment_id']}", timeout=10,
                            headers={"Cookie": login_cookie(server.url, "agent1", "demo")})
    assert download.content == PNG

    guide = b"%PDF-1.4\nhello"
    sent = requests.post(f"{server.url}/api/v1/sessions/{session_id}/attachments?filename=guide.pdf", timeout=10,
                         data=guide, headers={"Cookie": login_cookie(server.url, "agent1", "demo")})
    assert sent.status_code == 201
    expect(visitor.log().get_by_role("link", name=re.compile(r"guide\.pdf \(\d+ KB\)"))).to_be_visible()  # as a link
