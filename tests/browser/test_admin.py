"""Administration, live: what an admin changes reaches open widgets and workspaces without a reload,
and nobody else gets into the admin pages or their callbacks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from chat.actions.admin_hours import WEEKDAYS
from chat.models import Channel, Membership, User
from tests.browser.conftest import sign_in
from tests.browser.staff import StaffPage
from tests.browser.staff import Visitor as ChatVisitor
from tests.server import ServerProcess

NewContext = Callable[..., BrowserContext]
ADMIN_PREFIXES = ("adm-", "ppl-", "cnt-", "aud-")
LOADING_MS = 15_000  # the editor fills a few dozen fields from several callbacks: allow a busy machine


def arrange_channel(server: ServerProcess, name: str, *responders: str) -> int:
    """A channel of its own for one test, with the given users able to respond in it."""
    database = server.database()
    with database.write() as db:
        channel = Channel(name=name, prechat_required_fields=[], allowed_origins=[], widget={})
        db.add(channel)
        db.flush()
        for username in responders:
            user = db.scalars(select(User).where(User.username == username)).one()
            db.add(Membership(user_id=user.id, channel_id=channel.id))
        channel_id = channel.id
    database.dispose()
    return channel_id


def open_channel(context: BrowserContext, server: ServerProcess, name: str, tab: str) -> Page:
    """The admin's channel editor on one tab, once the channel's stored settings are in the form."""
    page = context.new_page()
    sign_in(page, server.url, "admin", next_path="/admin")
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.locator("#adm-editor-title")).to_have_text(name, timeout=LOADING_MS)
    expect(page.locator("#adm-prop-name")).to_have_value(name, timeout=LOADING_MS)
    expect(page.locator("#adm-hours-zone")).to_contain_text("Europe/Stockholm", timeout=LOADING_MS)
    page.get_by_role("tab", name=tab).click()
    return page


def open_widget(context: BrowserContext, server: ServerProcess, launcher: str, channel_id: int | None = None) -> Page:
    page = context.new_page()
    page.goto(server.demo_site_url + "/" + (f"?channel={channel_id}" if channel_id else ""))
    page.get_by_role("button", name=launcher).click()
    return page


def test_new_opening_hours_turn_an_open_widget_into_the_offline_form_and_back(
        demo_server: ServerProcess, new_context: NewContext) -> None:
    channel_id = arrange_channel(demo_server, "Evening support", "agent4")
    StaffPage.sign_in(new_context(), demo_server, "agent4")  # Present: the chat is available
    visitor = open_widget(new_context(), demo_server, "Chat with us", channel_id)
    expect(visitor.get_by_role("button", name="Start chat")).to_be_visible()
    visitor.get_by_label("Your question").fill("Are you open tonight?")

    admin = open_channel(new_context(), demo_server, "Evening support", "Opening hours")
    admin.get_by_label("Always open (no opening hours)").uncheck()
    for day in WEEKDAYS:
        admin.get_by_label(day, exact=True).uncheck()
    admin.get_by_role("button", name="Save opening hours").click()
    expect(admin.locator("#adm-hours-feedback")).to_have_text("Opening hours saved.")

    expect(visitor.get_by_role("heading", name="We can't chat right now")).to_be_visible()
    expect(visitor.get_by_text("Nobody can answer the chat right now")).to_be_visible()
    expect(visitor.get_by_label("Your message")).to_have_value("Are you open tonight?")
    expect(visitor.get_by_role("button", name="Start chat")).to_have_count(0)

    admin.get_by_label("Always open (no opening hours)").check()
    admin.get_by_role("button", name="Save opening hours").click()
    expect(visitor.get_by_role("button", name="Start chat")).to_be_visible()
    expect(visitor.get_by_label("Your question")).to_have_value("Are you open tonight?")


def test_an_open_widget_takes_new_settings_and_says_a_deleted_channel_is_unavailable(
        demo_server: ServerProcess, new_context: NewContext) -> None:
    channel_id = arrange_channel(demo_server, "Spring campaign", "agent4")
    visitor = open_widget(new_context(), demo_server, "Chat with us", channel_id)
    expect(visitor.get_by_role("heading", name="Spring campaign")).to_be_visible()
    expect(visitor.get_by_label("Your question")).to_be_visible()
    admin = open_channel(new_context(), demo_server, "Spring campaign", "Widget layout")
    admin.get_by_label("Header title").fill("Spring sale: ask us anything")
    admin.get_by_role("button", name="Save layout").click()
    expect(admin.locator("#adm-look-feedback")).to_have_text("Saved: Header title.")
    expect(visitor.get_by_role("heading", name="Spring sale: ask us anything")).to_be_visible()

    admin.get_by_role("tab", name="Properties").click()
    admin.get_by_role("button", name="Delete channel").click()
    expect(admin.locator("#adm-delete-question")).to_contain_text("its history and statistics stay")
    admin.get_by_role("button", name="Yes, delete the channel").click()
    expect(admin.locator("#adm-editor-feedback")).to_have_text("Spring campaign is deleted.")
    expect(visitor.get_by_text("This chat is not available any more.")).to_be_visible()
    expect(visitor.get_by_label("Your question")).to_have_count(0)


def test_an_agent_added_to_a_channel_sees_its_queue_without_reload(
        demo_server: ServerProcess, new_context: NewContext) -> None:
    channel_id = arrange_channel(demo_server, "Returns", "agent1")
    StaffPage.sign_in(new_context(), demo_server, "agent1")  # someone Present, so the chat is queued
    waiting = ChatVisitor.start(demo_server, channel_id, name="Rolf Returns", question="Where is my refund?")
    lena = StaffPage.sign_in(new_context(), demo_server, "agent4")
    expect(lena.page.locator("#ws-queue-count")).to_have_text("0")

    admin = open_channel(new_context(), demo_server, "Returns", "Members")
    admin.locator("#adm-member-user").click()
    admin.get_by_role("option", name="Lena Holm (agent4, agent)").click()
    admin.get_by_role("button", name="Add to channel").click()
    expect(admin.locator("#adm-members-feedback")).to_have_text("Lena Holm now works in Returns.")
    expect(admin.locator("tr[data-user=agent4]").get_by_label("Can respond")).to_be_checked()

    expect(lena.page.locator("#ws-queue-count")).to_have_text("1")
    lena.page.get_by_role("button", name="Get next in queue").click()
    expect(lena.messages()).to_contain_text("Where is my refund?")
    lena.write("Your refund was paid out yesterday.")
    waiting.hears("Your refund was paid out yesterday.")


def test_the_next_chat_gets_the_edited_welcome_message(demo_server: ServerProcess, new_context: NewContext) -> None:
    welcome = "Hej! Nordlys support here, tell us what happened."
    admin = open_channel(new_context(), demo_server, "Support", "Widget layout")
    expect(admin.get_by_label("Base colour")).to_have_value("#0b5fff")
    admin.get_by_label("Welcome message").fill(welcome)
    expect(admin.locator("#adm-preview")).to_contain_text(welcome)
    admin.get_by_label("Base colour").fill("blue")
    expect(admin.locator("#adm-preview")).to_contain_text("“blue” is not a colour")
    admin.get_by_role("button", name="Save layout").click()
    expect(admin.locator("#adm-look-feedback")).to_have_text("Base colour: “blue” is not a colour: write it as "
                                                             "#rrggbb, for example #0b5fff.")
    admin.get_by_label("Base colour").fill("#0b5fff")
    admin.get_by_role("button", name="Save layout").click()
    expect(admin.locator("#adm-look-feedback")).to_have_text("Saved: Welcome message.")

    agent = StaffPage.sign_in(new_context(), demo_server, "agent1")
    visitor = open_widget(new_context(), demo_server, "Need help? Chat with us")
    visitor.get_by_role("textbox", name="Name").fill("Wilma Welcome")
    visitor.get_by_role("textbox", name="E-mail").fill("wilma@example.org")
    visitor.get_by_label("Your question").fill("Hello, something odd happened here.")
    visitor.get_by_role("checkbox").check()
    visitor.get_by_role("button", name="Start chat").click()
    expect(agent.page.locator("#ws-queue-count")).to_have_text("1")
    agent.page.get_by_role("button", name="Get next in queue").click()
    expect(visitor.get_by_text(welcome)).to_be_visible()
    expect(agent.messages()).to_contain_text(welcome)


def _output_parts(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """`..a.children...b.data@hash..` -> [("a", "children"), ("b", "data")]."""
    output = spec["output"]
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [(p.rsplit(".", 1)[0], p.rsplit(".", 1)[1].split("@")[0]) for p in parts]


def _request_for(spec: dict[str, Any]) -> dict[str, Any]:
    """The body the Dash renderer would post for this callback, every value empty (wildcards match nothing)."""
    def entries(items: list[dict[str, str]]) -> list[Any]:
        return [[] if item["id"].startswith("{") else {"id": item["id"], "property": item["property"], "value": None}
                for item in items]
    outputs = [[] if ident.startswith("{") else {"id": ident, "property": prop} for ident, prop in _output_parts(spec)]
    return {"output": spec["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": entries(spec["inputs"]), "state": entries(spec["state"]),
            "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"]}


def _is_admin_id(ident: str) -> bool:
    kind = str(json.loads(ident).get("type", "")) if ident.startswith("{") else ident
    return kind.startswith(ADMIN_PREFIXES)


def _admin_callbacks(context: BrowserContext, server: ServerProcess) -> list[dict[str, Any]]:
    """Every server callback of the admin pages, as the app declares them."""
    specs = context.request.get(f"{server.url}/_dash-dependencies").json()
    return [s for s in specs if not s.get("clientside_function")
            and any(_is_admin_id(i) for i in (*(o for o, _ in _output_parts(s)), *(i["id"] for i in s["inputs"])))]


def test_non_admins_are_refused_the_pages_and_every_admin_callback(
        demo_server: ServerProcess, new_context: NewContext) -> None:
    manager = new_context()
    page = manager.new_page()
    sign_in(page, demo_server.url, "manager")
    expect(page.get_by_role("link", name="Maria Nilsson")).to_be_visible()
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    for path in ("/admin", "/admin/people", "/admin/content", "/admin/audit"):
        assert manager.request.get(demo_server.url + path).status == 403, path
    assert manager.request.get(f"{demo_server.url}/account").status == 200

    callbacks = _admin_callbacks(manager, demo_server)
    assert len(callbacks) >= 25
    url = f"{demo_server.url}/_dash-update-component"
    for spec in callbacks:
        refused = manager.request.post(url, data=_request_for(spec))
        assert refused.status == 403, (spec["output"], refused.status, refused.text()[:300])
        assert refused.json()["error"]["code"] == "forbidden"

    admin = new_context()
    sign_in(admin.new_page(), demo_server.url, "admin", next_path="/admin")
    listing = next(s for s in callbacks if s["output"] == "adm-channel-list.children")
    answered = admin.request.post(url, data=_request_for(listing))
    assert answered.status == 200 and "Support" in answered.text()
