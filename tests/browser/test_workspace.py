"""The Chats tab, live, with several people at once (issue: agent workspace)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import BrowserContext, FilePayload, expect
from sqlalchemy import func, select

from chat.models import ChatSession, Contact, CrmRequest, FollowUp, QuickReply, Sale, SessionStatus, User, utcnow
from tests.browser.staff import StaffPage, Visitor
from tests.server import ServerProcess

NewContext = Callable[..., BrowserContext]


def test_new_chat_shows_live_and_messages_flow_both_ways(demo_server: ServerProcess, new_context: NewContext) -> None:
    agent = StaffPage.sign_in(new_context(), demo_server, "agent1")
    page = agent.page
    visitor = Visitor.start(demo_server, name="Vera Live", question="Where is my parcel?")

    expect(page.locator("#nav-badge-dashboard")).to_have_text("1")
    expect(page.locator("#ws-queue-count")).to_have_text("1")
    page.get_by_role("button", name="Get next in queue").click()
    expect(agent.messages()).to_contain_text("Where is my parcel?")
    expect(page.locator("#nav-badge-chats")).to_have_text("1")
    expect(page.locator("#nav-badge-dashboard")).to_have_text("0")

    agent.write("Hello Vera, let me look.")
    visitor.hears("Hello Vera, let me look.")
    visitor.say("It was order 1234")
    expect(agent.messages()).to_contain_text("It was order 1234")

    visitor.draft("Also, can I chan")
    expect(page.locator("#ws-peek")).to_contain_text("Also, can I chan")

    other = Visitor.start(demo_server, name="Olle Other", question="Second question")
    page.get_by_role("button", name="Get next in queue").click()
    expect(agent.messages()).to_contain_text("Second question")
    visitor.say("Are you there?")
    visitor.say("Hello?")
    expect(agent.row("Vera Live").locator(".unread")).to_have_text("2")
    agent.row("Vera Live").click()
    expect(agent.messages()).to_contain_text("Hello?")
    expect(agent.row("Vera Live").locator(".unread")).to_have_count(0)
    read = visitor.socket.wait_for(lambda f: f.get("event") == "read" and f["data"]["reader"] == "agent")
    assert read["data"]["up_to_seq"] >= 1

    for person in (visitor, other):
        person.leave()


def test_transfer_accept_reject_and_cancel(demo_server: ServerProcess, new_context: NewContext) -> None:
    sender = StaffPage.sign_in(new_context(), demo_server, "agent1")
    receiver = StaffPage.sign_in(new_context(), demo_server, "agent2", language="sv")

    first = Visitor.start(demo_server, name="Tina Transfer", question="Please move me")
    sender.page.get_by_role("button", name="Get next in queue").click()
    expect(sender.messages()).to_contain_text("Please move me")
    _request_transfer(sender, "Erik Johansson")
    expect(sender.row("Tina Transfer").locator(".warn-icon")).to_be_visible()
    expect(receiver.row("Tina Transfer").locator(".warn-icon")).to_be_visible()
    receiver.row("Tina Transfer").click()
    receiver.page.get_by_role("button", name="Acceptera överföring").click()
    expect(receiver.page.locator("#ws-composer")).to_be_visible()
    receiver.write("Hej, jag tar över.")
    first.hears("Hej, jag tar över.")
    expect(sender.page.locator("#ws-listening-note")).to_have_text(
        "Another agent now handles this chat; you are listening in.")
    expect(sender.page.locator("#ws-composer")).to_be_hidden()
    expect(sender.messages()).to_contain_text("Hej, jag tar över.")

    second = Visitor.start(demo_server, name="Rune Reject", question="Second transfer")
    sender.page.get_by_role("button", name="Get next in queue").click()
    expect(sender.messages()).to_contain_text("Second transfer")
    _request_transfer(sender, "Erik Johansson")
    receiver.row("Rune Reject").click()
    receiver.page.get_by_role("button", name="Avvisa överföring").click()
    expect(sender.messages()).to_contain_text("rejected the transfer")
    expect(receiver.row("Rune Reject")).to_have_count(0)
    sender.write("Still with you.")

    _request_transfer(sender, "Erik Johansson")
    expect(receiver.row("Rune Reject").locator(".warn-icon")).to_be_visible()
    sender.page.get_by_role("button", name="Cancel transfer").click()
    expect(receiver.row("Rune Reject")).to_have_count(0)
    expect(sender.row("Rune Reject").locator(".warn-icon")).to_have_count(0)
    sender.write("Cancelled, I stay.")

    for person in (first, second):
        person.leave()


def _request_transfer(agent: StaffPage, receiver_name: str) -> None:
    page = agent.page
    page.get_by_role("button", name="Transfer", exact=True).click()
    page.locator("#ws-transfer-target").click()
    page.get_by_role("option", name=receiver_name).click()
    page.get_by_role("button", name="Send transfer").click()
    expect(page.locator("#ws-transfer-banner")).to_be_visible()


def test_request_template_and_quick_reply_fill_the_composer(demo_server: ServerProcess,
                                                          new_context: NewContext) -> None:
    agent = StaffPage.sign_in(new_context(), demo_server, "agent1")
    page = agent.page
    visitor = Visitor.start(demo_server, name="Greta Template", question="My invoice is wrong")
    page.get_by_role("button", name="Get next in queue").click()
    expect(agent.messages()).to_contain_text("My invoice is wrong")

    page.get_by_role("button", name="Create request").click()
    expect(page.get_by_label("Title")).to_have_value("My invoice is wrong")
    page.get_by_label("Title").fill("Wrong invoice")
    page.get_by_role("button", name="Save request").click()
    expect(page.locator("#ws-composer")).to_have_value(re.compile(r"I have registered your request with number \d+\."))
    request_id = int(page.locator("#ws-request-feedback").inner_text().lstrip("#"))
    database = demo_server.database()
    with database.read() as db:
        saved = db.get_one(CrmRequest, request_id)
        assert saved.title == "Wrong invoice"
        assert "My invoice is wrong" in saved.body
        assert db.get_one(ChatSession, visitor.session_id).request_id == request_id
    assert str(request_id) in page.locator("#ws-composer").input_value()
    page.locator("#ws-composer").press("Enter")
    visitor.hears(f"I have registered your request with number {request_id}.")

    page.get_by_text("Insert", exact=True).click()
    page.get_by_role("button", name="Greeting", exact=True).click()
    expect(page.locator("#ws-composer")).to_have_value(
        "Hi Greta Template, my name is Anna. How can I help you today?")
    page.locator("#ws-composer").fill("")

    page.get_by_text("New quick reply").click()
    editor = page.locator(".ws-qr-editor")
    editor.get_by_label("Name", exact=True).fill("Opening hours")
    editor.get_by_label("Text", exact=True).fill("We are open 8-17 on weekdays.")
    page.get_by_role("button", name="Save quick reply").click()
    expect(page.locator("#ws-qr-feedback")).to_contain_text("Opening hours")
    page.get_by_label("Quick replies").check()
    page.get_by_role("button", name="Opening hours", exact=True).click()
    expect(page.locator("#ws-composer")).to_have_value("We are open 8-17 on weekdays.")
    with database.read() as db:
        owner = db.scalar(select(User.username).join(QuickReply, QuickReply.user_id == User.id)
                          .where(QuickReply.name == "Opening hours"))
        assert owner == "agent1"
    database.dispose()
    visitor.leave()


def _demo_contact_with_history(server: ServerProcess) -> tuple[str, str]:
    database = server.database()
    with database.read() as db:
        contact = db.scalars(
            select(Contact)
            .where(Contact.id.in_(select(CrmRequest.contact_id)), Contact.id.in_(select(Sale.contact_id)),
                   Contact.id.in_(select(FollowUp.contact_id)), Contact.id.in_(select(ChatSession.contact_id)))
            .order_by(Contact.id)
        ).first()
        assert contact is not None, "the demo data has a contact with requests, sales, follow-ups and chats"
        name, email = contact.name, contact.email or ""
    database.dispose()
    return name, email


def test_contact_panel_matches_and_creates_contacts(demo_server: ServerProcess, new_context: NewContext) -> None:
    agent = StaffPage.sign_in(new_context(), demo_server, "agent1")
    page = agent.page
    name, email = _demo_contact_with_history(demo_server)
    known = Visitor.start(demo_server, name=name, email=email, question="About my order")
    page.get_by_role("button", name="Get next in queue").click()
    panel = page.locator("#ws-contact")
    expect(panel).to_contain_text("This contact could be…")
    panel.get_by_role("button", name=f"Link {name}").click()
    for heading in ("Requests", "Sales", "Follow-ups", "Earlier chats"):
        expect(panel.get_by_role("heading", name=heading)).to_be_visible()
    expect(panel).to_contain_text(email)
    earlier = panel.locator("section", has=page.get_by_role("heading", name="Earlier chats")).get_by_role("button")
    earlier.first.click()
    expect(page.locator("#ws-transcript-body")).not_to_be_empty()
    page.get_by_role("button", name="Close").click()

    unknown = Visitor.start(demo_server, name="Nadia Newcomer", email="nadia@nyabolaget.se", question="Hi")
    page.get_by_role("button", name="Get next in queue").click()
    expect(agent.messages()).to_contain_text("Hi")
    expect(panel).to_contain_text("No matching contact.")
    panel.get_by_text("Create contact", exact=True).first.click()
    expect(panel.get_by_label("E-mail")).to_have_value("nadia@nyabolaget.se")
    panel.get_by_label("Company").fill("Nya Bolaget AB")
    panel.get_by_role("button", name="Create contact").click()
    expect(panel).to_contain_text("Nya Bolaget AB")
    database = demo_server.database()
    with database.read() as db:
        created = db.scalars(select(Contact).where(Contact.email == "nadia@nyabolaget.se")).one()
        assert db.get_one(ChatSession, unknown.session_id).contact_id == created.id
        assert created.company_id is not None
    database.dispose()
    for person in (known, unknown):
        person.leave()


def test_ended_chat_stays_eight_hours(demo_server: ServerProcess, new_context: NewContext) -> None:
    database = demo_server.database()
    with database.write() as db:
        agent_id = db.scalar(select(User.id).where(User.username == "agent2"))
        ended = utcnow() - timedelta(hours=7, minutes=58)
        db.add(ChatSession(channel_id=1, visitor_id=db.scalar(select(func.min(ChatSession.visitor_id))),
                           agent_id=agent_id, status=SessionStatus.ENDED, visitor_name="Elsa Earlier",
                           requested_at=ended - timedelta(minutes=10), started_at=ended - timedelta(minutes=9),
                           ended_at=ended, last_activity_at=ended))
    database.dispose()
    context = new_context()
    context.clock.install()
    agent = StaffPage.sign_in(context, demo_server, "agent2", language="sv", present=False)
    expect(agent.row("Elsa Earlier")).to_be_visible()
    context.clock.fast_forward("03:00")
    expect(agent.row("Elsa Earlier")).to_have_count(0)


def test_reload_and_dropped_socket_show_everything_once(demo_server: ServerProcess, new_context: NewContext) -> None:
    agent = StaffPage.sign_in(new_context(), demo_server, "agent1")
    page = agent.page
    visitor = Visitor.start(demo_server, name="Rolf Reload", question="Question before reload")
    page.get_by_role("button", name="Get next in queue").click()
    agent.write("Answer one")
    page.evaluate("window.chatRT.reconnectNow()")
    for text in ("While the socket was down 1", "While the socket was down 2"):
        visitor.say(text)
    expect(agent.messages()).to_contain_text("While the socket was down 2")
    agent.wait_live()
    page.reload()
    agent.wait_live()
    agent.row("Rolf Reload").click()
    expect(agent.messages()).to_contain_text("While the socket was down 2")
    for text in ("Question before reload", "Answer one", "While the socket was down 1", "While the socket was down 2"):
        expect(agent.messages().locator(".msg-body", has_text=text)).to_have_count(1)
    seqs = page.locator("#ws-messages [data-seq]").evaluate_all("nodes => nodes.map(n => Number(n.dataset.seq))")
    assert seqs == sorted(set(seqs))
    visitor.leave()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def test_agent_attaches_a_file_and_the_visitor_gets_it(demo_server: ServerProcess, new_context: NewContext) -> None:
    agent = StaffPage.sign_in(new_context(), demo_server, "agent1")
    page = agent.page
    visitor = Visitor.start(demo_server, name="Filip File", question="Can you send the manual?")
    page.get_by_role("button", name="Get next in queue").click()
    expect(agent.messages()).to_contain_text("Can you send the manual?")
    page.locator("#ws-upload input[type=file]").set_input_files(
        files=[FilePayload(name="manual.png", mimeType="image/png", buffer=PNG)])
    expect(page.locator("#ws-upload-feedback")).to_have_text("✓ manual.png")
    link = agent.messages().get_by_role("link", name="📎 manual.png")
    expect(link).to_be_visible()
    got = visitor.socket.wait_for(lambda f: f.get("event") == "message" and f["data"].get("kind") == "attachment")
    assert got["data"]["body"] == "manual.png"
    download = page.request.get(f"{demo_server.url}{link.get_attribute('href')}")
    assert download.ok and download.body() == PNG
    visitor.leave()


def test_waiting_too_long_warns_agents_then_managers(demo_server: ServerProcess, new_context: NewContext) -> None:
    agent_context = new_context()
    agent_context.clock.install()
    agent = StaffPage.sign_in(agent_context, demo_server, "agent1")
    manager_context = new_context()
    manager_context.clock.install()
    manager = StaffPage.sign_in(manager_context, demo_server, "manager", path="/dashboard", present=False)
    visitor = Visitor.start(demo_server, name="Walter Waiting", question="Hello?")
    expect(agent.page.locator("#ws-queue-count")).to_have_text("1")
    expect(agent.page.locator("#rt-alerts")).to_have_text("")
    agent_context.clock.fast_forward("02:30")
    expect(agent.page.locator("#rt-alerts")).to_contain_text("1 chat(s) waiting longer than the warning time")
    expect(manager.page.locator("#rt-alerts")).not_to_contain_text("Manager warning")
    manager_context.clock.fast_forward("05:30")
    expect(manager.page.locator("#rt-alerts")).to_contain_text("Manager warning: 1 chat(s) waiting too long (Support)")
    visitor.leave()
    expect(agent.page.locator("#rt-alerts")).to_have_text("")
