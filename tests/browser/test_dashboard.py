"""The Dashboard tab and supervision, live, with visitor, agent, supervisor and manager at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import BrowserContext, Locator, expect
from sqlalchemy import select

from chat.actions.requests import transcript
from chat.live_stats import local_midnight
from chat.models import AuditEntry, Channel, ChatSession, Membership, SessionStatus, User, Visitor, utcnow
from tests.browser.staff import StaffPage
from tests.browser.staff import Visitor as ChatVisitor
from tests.server import ServerProcess

NewContext = Callable[..., BrowserContext]
COLUMNS = ("waiting", "longest_wait", "present", "away", "active", "chats_today", "answered_today", "missed_today",
           "avg_wait", "avg_duration", "service_level", "avg_rating")


def figure(page_figures: Locator, channel_name: str, column: str) -> Locator:
    row = page_figures.locator("tr", has=page_figures.page.get_by_role("rowheader", name=channel_name, exact=True))
    return row.locator("td").nth(COLUMNS.index(column))


def test_new_chat_moves_the_figures_and_answering_moves_it_to_ongoing(demo_server: ServerProcess,
                                                                    new_context: NewContext) -> None:
    supervisor = StaffPage.sign_in(new_context(), demo_server, "supervisor", language="sv", path="/dashboard",
                                   present=False)
    agent = StaffPage.sign_in(new_context(), demo_server, "agent1", path="/dashboard")
    figures = supervisor.page.locator("#db-figures")
    expect(figure(figures, "Support", "waiting")).to_have_text("0")
    visitor = ChatVisitor.start(demo_server, name="Dora Dashboard", question="Is anyone there?")
    expect(figure(figures, "Support", "waiting")).to_have_text("1")
    incoming = supervisor.page.locator("#db-incoming")
    expect(incoming).to_contain_text("Dora Dashboard")
    expect(incoming).to_contain_text("Is anyone there?")
    expect(incoming.get_by_role("button", name="Svara")).to_have_count(0)  # no Can respond right

    agent.page.locator("#db-incoming tr", has_text="Dora Dashboard").get_by_role("button", name="Answer").click()
    agent.page.wait_for_url("**/workspace?open=*")
    expect(agent.messages()).to_contain_text("Is anyone there?")
    expect(figure(figures, "Support", "waiting")).to_have_text("0")
    expect(incoming).not_to_contain_text("Dora Dashboard")
    ongoing = supervisor.page.locator("#db-ongoing")
    expect(ongoing.locator("tr", has_text="Dora Dashboard")).to_contain_text("Anna Lindqvist")
    expect(figure(figures, "Support", "active")).to_have_text("1")
    visitor.leave()
    expect(ongoing).not_to_contain_text("Dora Dashboard")


def test_listen_in_whisper_and_take_over(demo_server: ServerProcess, new_context: NewContext) -> None:
    agent = StaffPage.sign_in(new_context(), demo_server, "agent1")
    visitor = ChatVisitor.start(demo_server, name="Lisa Listened", question="Private question")
    agent.page.get_by_role("button", name="Get next in queue").click()
    agent.write("Private answer")

    supervisor = StaffPage.sign_in(new_context(), demo_server, "supervisor", language="sv", path="/dashboard",
                                   present=False)
    supervisor.page.locator("#db-ongoing tr", has_text="Lisa Listened").get_by_role("button", name="Lyssna").click()
    supervisor.page.wait_for_url("**/workspace?listen=*")
    expect(supervisor.messages()).to_contain_text("Private answer")
    visitor.draft("I am still typ")
    expect(supervisor.page.locator("#ws-peek")).to_contain_text("I am still typ")
    expect(supervisor.page.locator("#ws-composer")).to_be_hidden()
    refused = supervisor.page.evaluate(
        "id => window.chatRT.request({type: 'send', session_id: id, text: 'sneaky'}).then(() => 'sent', e => e.code)",
        visitor.session_id)
    assert refused == "forbidden"

    supervisor.page.get_by_label("Viska till handläggaren (besökaren ser det aldrig)").fill("Offer free shipping")
    supervisor.page.get_by_role("button", name="Skicka viskning").click()
    expect(agent.messages().locator(".msg-whisper")).to_contain_text("Offer free shipping")
    marker = agent.page.locator("#ws-composer")
    marker.fill("Free shipping it is")
    marker.press("Enter")
    visitor.hears("Free shipping it is")

    manager = StaffPage.sign_in(new_context(), demo_server, "manager", path="/dashboard", present=False)
    manager.page.locator("#db-ongoing tr", has_text="Lisa Listened").get_by_role("button", name="Listen in").click()
    manager.page.wait_for_url("**/workspace?listen=*")
    manager.page.get_by_role("button", name="Take over").click()
    expect(manager.page.locator("#ws-composer")).to_be_visible()
    manager.write("I am the manager and I take it from here")
    visitor.hears("I am the manager and I take it from here")
    expect(agent.page.locator("#ws-listening-note")).to_have_text(
        "Another agent now handles this chat; you are listening in.")
    expect(agent.messages()).to_contain_text("I am the manager and I take it from here")

    everything_the_visitor_got = str(visitor.socket.frames)
    assert "Offer free shipping" not in everything_the_visitor_got
    assert "whisper" not in everything_the_visitor_got
    assert "listen" not in everything_the_visitor_got
    database = demo_server.database()
    with database.read() as db:
        chat = db.get_one(ChatSession, visitor.session_id)
        manager_id = db.scalar(select(User.id).where(User.username == "manager"))
        assert chat.agent_id == manager_id
        assert "Offer free shipping" not in transcript(db, chat)
        actions = {(a.action, a.actor_user_id) for a in db.scalars(
            select(AuditEntry).where(AuditEntry.session_id == visitor.session_id))}
        supervisor_id = db.scalar(select(User.id).where(User.username == "supervisor"))
        assert {("listen_in", supervisor_id), ("whisper", supervisor_id), ("listen_in", manager_id),
                ("take_over", manager_id)} <= actions
    database.dispose()
    visitor.leave()


def test_figures_equal_values_computed_from_the_test_chats(demo_server: ServerProcess,
                                                           new_context: NewContext) -> None:
    database = demo_server.database()
    now = utcnow()
    with database.write() as db:
        channel = Channel(name="Mätkanal", prechat_required_fields=[], service_level_seconds=60)
        db.add(channel)
        db.flush()
        supervisor_id = db.scalar(select(User.id).where(User.username == "supervisor"))
        agent_id = db.scalar(select(User.id).where(User.username == "agent2"))
        db.add_all([Membership(user_id=supervisor_id, channel_id=channel.id, can_respond=False, can_listen=True),
                    Membership(user_id=agent_id, channel_id=channel.id)])
        start = max(local_midnight(channel, now) + timedelta(seconds=1), now - timedelta(minutes=30))
        visitor = Visitor(public_id="figures-visitor")
        db.add(visitor)
        db.flush()

        def chat(offset: int, status: SessionStatus, wait: int | None, length: int | None, rating: int | None) -> None:
            requested = start + timedelta(seconds=offset)
            started = requested + timedelta(seconds=wait) if wait is not None else None
            ended = started + timedelta(seconds=length) if started and length is not None else (
                requested + timedelta(seconds=40) if status is not SessionStatus.IN_QUEUE and not started else None)
            db.add(ChatSession(channel_id=channel.id, visitor_id=visitor.id, status=status, requested_at=requested,
                               started_at=started, ended_at=ended, initial_queue_position=1, rating=rating,
                               agent_id=agent_id if started else None, last_activity_at=requested,
                               visitor_name=f"Figure {offset}"))

        chat(0, SessionStatus.ENDED, 30, 300, 4)
        chat(10, SessionStatus.ENDED, 90, 100, 5)
        chat(20, SessionStatus.ENDED, 45, 200, None)
        chat(30, SessionStatus.CLOSED_FROM_QUEUE, None, None, None)
        chat(40, SessionStatus.AGENT_LAST, 20, None, None)
        chat(50, SessionStatus.IN_QUEUE, None, None, None)
        channel_name = channel.name
    database.dispose()
    # By hand: answered 4 (waits 30, 90, 45, 20 -> mean 46.25 s = 0:46), missed 1, chats today 6,
    # durations 300, 100, 200 -> 200 s = 3:20; within 60 s: 3 of 5 offered = 60 %; ratings 4, 5 -> 4.5.
    expected = {"waiting": "1", "active": "1", "chats_today": "6", "answered_today": "4", "missed_today": "1",
                "avg_wait": "0:46", "avg_duration": "3:20", "service_level": "60 %", "avg_rating": "4.5"}
    supervisor = StaffPage.sign_in(new_context(), demo_server, "supervisor", language="sv", path="/dashboard",
                                   present=False)
    figures = supervisor.page.locator("#db-figures")
    for column, value in expected.items():
        expect(figure(figures, channel_name, column)).to_have_text(value)
