"""The widget at its edges: outside opening hours, in Swedish, against XSS, on a 375 px phone, by keyboard
only, and on a website the channel does not allow."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Dialog, expect
from sqlalchemy import select

from chat.models import Channel, CrmRequest, Membership, OpeningHours, User
from tests.browser.widget_people import SUPPORT_BADGE, ProtocolAgent, VisitorPage, widget_server
from tests.server import ServerProcess
from tests.wsclient import start_visitor_session

XSS_PAYLOADS = (
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "\"><svg onload=window.__pwned='svg'>",
    "<a href=\"javascript:window.__pwned='link'\">click me</a>",
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
    "javascript:window.__pwned='url'",
    "{{constructor.constructor('window.__pwned=1')()}}",
    "<style>*{display:none}</style>Hidden?",
    "&lt;b&gt;entities&lt;/b&gt; &amp; more",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    yield from widget_server(tmp_path_factory, "widget-edges")


@pytest.fixture
def agent(server: ServerProcess) -> Iterator[ProtocolAgent]:
    person = ProtocolAgent(server)
    yield person
    person.close()


@pytest.fixture
def visitor(server: ServerProcess, new_context: Callable[..., BrowserContext]) -> VisitorPage:
    return VisitorPage(new_context().new_page(), server)


def add_channel(server: ServerProcess, name: str, **fields: object) -> int:
    """A channel answered by agent1 (whom the tests set Present)."""
    database = server.database()
    with database.write() as db:
        channel = Channel(name=name, badge_header=f"Chat with {name}", prechat_required_fields=["email"], **fields)
        db.add(channel)
        db.flush()
        agent_id = db.scalar(select(User.id).where(User.username == "agent1"))
        db.add(Membership(user_id=agent_id, channel_id=channel.id))
        channel_id = channel.id
    database.dispose()
    return channel_id


def test_offline_form_outside_opening_hours_creates_a_request(visitor: VisitorPage, agent: ProtocolAgent,
                                                              server: ServerProcess) -> None:
    channel_id = add_channel(server, "After hours", time_zone="Europe/Stockholm")
    tomorrow = (datetime.now(ZoneInfo("Europe/Stockholm")) + timedelta(days=1)).weekday()
    database = server.database()
    with database.write() as db:  # open only on another weekday: closed now, although Anna is Present
        db.add(OpeningHours(channel_id=channel_id, weekday=tomorrow, opens=time(8), closes=time(17),
                            lunch_start=time(12), lunch_end=time(13)))
    page = visitor.visit(f"/?channel={channel_id}").page
    visitor.open("Chat with After hours")
    expect(page.get_by_role("heading", name="We can't chat right now")).to_be_visible()
    page.get_by_role("textbox", name="Name").fill("Olle Offline")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Please fill in e-mail.")).to_be_visible()
    page.get_by_role("textbox", name="E-mail").fill("olle@example.com")
    page.get_by_role("textbox", name="Your message").fill("Please call me about my invoice.")
    page.get_by_role("button", name="Send request").click()

    confirmation = page.get_by_text("Thank you! Your request number is")
    expect(confirmation).to_be_visible()
    with database.read() as db:
        request = db.scalars(select(CrmRequest).where(CrmRequest.body == "Please call me about my invoice.")).one()
    database.dispose()
    expect(confirmation).to_have_text(f"Thank you! Your request number is {request.id}.")
    page.reload()  # the answer stays after a reload
    expect(page.get_by_text(f"Your request number is {request.id}.")).to_be_visible()
    expect(page.get_by_role("button", name="Start a new chat")).to_be_visible()


def test_swedish_channel_gives_a_swedish_widget(visitor: VisitorPage, agent: ProtocolAgent) -> None:
    page = visitor.visit("/?channel=3").page
    visitor.open("Teknisk support – chatta med oss")
    dialog = page.get_by_role("dialog", name="Chatt: Teknisk support")
    expect(dialog.get_by_text("Berätta lite om dig själv och vad du behöver hjälp med.")).to_be_visible()
    page.get_by_role("button", name="Starta chatten").click()
    expect(page.get_by_text("Fyll i e-post.")).to_be_visible()
    page.get_by_role("textbox", name="E-post").fill("sven@example.se")
    page.get_by_role("textbox", name="Din fråga").fill("Jag har glömt lösenordet")
    page.get_by_role("checkbox", name="Jag godkänner").check()
    page.get_by_role("button", name="Starta chatten").click()
    expect(page.get_by_text("De här artiklarna kanske besvarar din fråga:")).to_be_visible()
    expect(page.get_by_text("Hur återställer jag mitt lösenord?")).to_be_visible()
    page.get_by_role("button", name="Nej, jag vill chatta med en person").click()
    expect(page.get_by_role("status").filter(has_text="i kön")).to_contain_text("Du är nummer 1 i kön.")
    expect(page.get_by_role("button", name="Avsluta chatten")).to_be_visible()
    expect(page.get_by_role("button", name="Minimera chatten")).to_be_visible()
    queued = agent.ws.wait_for(lambda f: f.get("event") == "session_queued" and f["channel_id"] == 3)
    agent.answer(queued["data"]["session_id"])
    expect(page.get_by_text("Anna anslöt till chatten.")).to_be_visible()
    expect(page.get_by_text("Välkommen till teknisk support!")).to_be_visible()
    page.get_by_role("button", name="Avsluta chatten").click()
    expect(page.get_by_text("Vill du avsluta chatten?")).to_be_visible()
    page.get_by_role("button", name="Avsluta chatten").last.click()
    expect(page.get_by_text("Du avslutade chatten.")).to_be_visible()
    expect(page.get_by_role("group", name="Vad tyckte du om hjälpen?")).to_be_visible()  # the channel's rating text


@pytest.fixture
def hostile_nickname(server: ServerProcess) -> Iterator[str]:
    """agent1's name as visitors see it, set to markup for one test."""
    nickname = "<img src=x onerror=\"window.__pwned='name'\">"
    database = server.database()
    for value in (nickname, None):
        with database.write() as db:
            db.scalars(select(User).where(User.username == "agent1")).one().nickname = value
        if value is not None:
            yield value
    database.dispose()


def test_xss_payloads_stay_text_both_ways(visitor: VisitorPage, agent: ProtocolAgent, hostile_nickname: str) -> None:
    page = visitor.page
    dialogs: list[str] = []
    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    visitor.visit().open(SUPPORT_BADGE)
    visitor.fill_prechat("<b>Mallory</b>", "mallory@example.com", XSS_PAYLOADS[0])
    session_id = agent.queued("<b>Mallory</b>")
    agent.answer(session_id)
    for payload in XSS_PAYLOADS[1:]:
        visitor.write(payload)
        agent.sees(session_id, payload)
    for payload in XSS_PAYLOADS:
        agent.say(session_id, payload)
    for payload in XSS_PAYLOADS:
        expect(visitor.log().get_by_text(payload, exact=True)).to_have_count(2)  # once from each side
    expect(page.get_by_role("dialog").locator("header")).to_contain_text(hostile_nickname)
    expect(page.get_by_text(f"{hostile_nickname} joined the chat.")).to_be_visible()
    assert page.evaluate("window.__pwned === undefined")
    assert dialogs == []
    elements = page.evaluate("""() => {
        const root = document.querySelector('[data-livechat-channel]').shadowRoot;
        const all = [...root.querySelectorAll('*')];
        return {
            markup: root.querySelectorAll('script, iframe, svg, a[href^="javascript"]').length,
            images: root.querySelectorAll('img[src]').length, styles: root.querySelectorAll('style').length,
            handlers: all.filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
        };
    }""")
    assert elements == {"markup": 0, "images": 0, "styles": 1, "handlers": 0}


def test_leave_a_request_instead_when_the_queue_is_long(visitor: VisitorPage, agent: ProtocolAgent,
                                                       server: ServerProcess) -> None:
    channel_id = add_channel(server, "Busy", request_from_queue_length=1)
    for number in (1, 2):  # two chats already waiting: the queue is longer than 1
        start_visitor_session(server.url, channel_id, email=f"waiting{number}@example.com", question="Waiting")
    page = visitor.visit(f"/?channel={channel_id}").page
    visitor.open("Chat with Busy")
    page.get_by_role("textbox", name="E-mail").fill("quinn@example.com")
    page.get_by_role("textbox", name="Your question").fill("Can you call me back about the upgrade?")
    page.get_by_role("button", name="Start chat").click()
    expect(page.get_by_role("status").filter(has_text="in the queue")).to_contain_text("number 3")
    page.get_by_role("button", name="Leave a request instead").click()
    request_text = page.get_by_role("textbox", name="Describe your request")
    expect(request_text).to_have_value("Can you call me back about the upgrade?")
    page.get_by_role("button", name="Send request").click()
    confirmation = page.get_by_text("Thank you! Your request number is")
    expect(confirmation).to_be_visible()
    database = server.database()
    with database.read() as db:
        request = db.scalars(select(CrmRequest).where(CrmRequest.body == "Can you call me back about the upgrade?")
                             ).one()
    database.dispose()
    expect(confirmation).to_have_text(f"Thank you! Your request number is {request.id}.")


def test_a_375px_phone_has_no_horizontal_scroll(server: ServerProcess, agent: ProtocolAgent,
                                                new_context: Callable[..., BrowserContext]) -> None:
    visitor = VisitorPage(new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
                          .new_page(), server)
    page = visitor.visit("/pricing?channel=1").page
    visitor.open(SUPPORT_BADGE)
    visitor.fill_prechat("Pia Phone", "pia@example.com", "x" * 300)
    session_id = agent.queued("Pia Phone")
    agent.answer(session_id)
    agent.say(session_id, "https://example.com/" + "a-very-long-path-without-spaces" * 8)
    visitor.write("Supercalifragilisticexpialidocious" * 6)
    agent.sees(session_id, "Supercalifragilisticexpialidocious" * 6)
    panel = page.get_by_role("dialog")
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate("""() => {
        const root = document.querySelector('[data-livechat-channel]').shadowRoot;
        return [...root.querySelectorAll('.lcw-scroll, .lcw-log, .lcw-composer, .lcw-header')]
            .every(el => el.scrollWidth <= el.clientWidth);
    }""")


def test_keyboard_only_with_visible_focus(visitor: VisitorPage, agent: ProtocolAgent) -> None:
    page = visitor.visit().page
    launcher = page.get_by_role("button", name=SUPPORT_BADGE)
    launcher.focus()
    page.keyboard.press("Enter")
    name = page.get_by_role("textbox", name="Name")
    expect(name).to_be_focused()
    outline = name.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert outline.split()[0] != "none" and outline.split()[1] != "0px"
    page.keyboard.type("Kim Keys")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("Hello from the keyboard")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # consent
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Start chat
    composer = page.get_by_role("textbox", name="Write a message")
    expect(composer).to_be_focused()
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Enter")
    agent.answer(agent.queued("Kim Keys"))
    agent.ws.wait_for(lambda f: f.get("event") == "message" and f["data"]["body"] == "Typed without a mouse")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_be_focused()


def test_script_tag_options_prefill_look_language_and_time_zone(server: ServerProcess, agent: ProtocolAgent,
                                                                new_context: Callable[..., BrowserContext]) -> None:
    """A page of the demo site's origin (its address gives `?em=`) written with every option of the script tag."""
    context = new_context(timezone_id="Asia/Tokyo", locale="sv-SE")
    site = server.demo_site_url
    context.add_cookies([{"name": "visitor_name", "value": "Yuki%20Tanaka", "url": site}])
    tag = (f'<script src="{server.url}/widget.js" data-channel="1" data-language="sv" data-theme="classic" '
           'data-size="large" data-color="#aa0000" data-title="Hjälp" data-delay="1" '
           'data-name="cookie:visitor_name" data-email="url:em" data-company="variable:shop.customer.company" '
           'data-phone="+46 70 123 45 67" defer></script>')
    html = ("<!doctype html><html><head><meta name=viewport content='width=device-width'></head><body>"
            "<script>window.shop = {customer: {company: 'Tanaka AB'}}</script>" + tag + "</body></html>")
    page = context.new_page()
    page.goto(f"{site}/no-such-page?em=yuki%40example.jp")  # a page without the widget, then our own
    page.set_content(html)
    page.get_by_role("button", name="Need help? Chat with us").click()
    dialog = page.get_by_role("dialog", name="Chatt: Hjälp")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_class(re.compile("lcw-panel"))
    expect(page.get_by_role("textbox", name="Namn")).to_have_value("Yuki Tanaka")
    expect(page.get_by_role("textbox", name="E-post")).to_have_value("yuki@example.jp")
    expect(page.get_by_role("textbox", name="Företag")).to_have_value("Tanaka AB")
    expect(page.get_by_role("textbox", name="Telefon")).to_have_value("+46 70 123 45 67")
    look = dialog.evaluate("""panel => ({width: panel.getBoundingClientRect().width,
        header: getComputedStyle(panel.querySelector('header')).backgroundColor,
        classes: panel.parentNode.className})""")
    assert look == {"width": 430, "header": "rgb(170, 0, 0)", "classes": "lcw-root lcw-theme-classic lcw-size-large"}

    page.get_by_role("textbox", name="Din fråga").fill("Hej från Tokyo")
    page.get_by_role("checkbox", name="I agree").check()
    page.get_by_role("button", name="Starta chatten").click()
    session_id = agent.queued("Yuki Tanaka")
    agent.answer(session_id)
    agent.say(session_id, "Konnichiwa!")
    said = agent.sees(session_id, "Konnichiwa!")
    local = datetime.fromisoformat(said["at"]).astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    message = page.get_by_role("listitem").filter(has_text="Konnichiwa!")
    expect(message.locator("time")).to_have_text(local)  # the visitor's own time zone


def test_a_site_the_channel_does_not_allow_gets_a_clear_error(visitor: VisitorPage, server: ServerProcess) -> None:
    channel_id = add_channel(server, "Locked", allowed_origins=["https://shop.example.com"])
    page = visitor.visit(f"/?channel={channel_id}").page
    page.get_by_role("button", name="Chat with us").click()
    expect(page.get_by_text("The chat cannot be used on this website.")).to_be_visible()
    expect(page.get_by_text(f"This website ({server.demo_site_url}) may not use the chat of Locked")).to_be_visible()
