"""The statistics page as a manager uses it: filter, click a chart, read the chats behind it, export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import sign_in
from tests.server import ServerProcess

SERVER_WORK = 30_000  # ms: the page waits on DuckDB queries; generous for a busy CI machine, not a time limit


def open_statistics(page: Page, server: ServerProcess) -> None:
    sign_in(page, server.url, "manager", next_path="/statistics")
    # The server's first load starts with it; the page fills itself in once that load is published.
    expect(page.locator("#kpi-chats .stats-kpi-value")).to_be_visible(timeout=60_000)


def kpi(page: Page, name: str) -> int:
    return int(re.sub(r"\D", "", page.locator(f"#kpi-{name} .stats-kpi-value").inner_text()))


def choose(page: Page, dropdown: str, option: str) -> None:
    page.locator(f"#{dropdown}").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def click_bar(page: Page, chart: str, index: int) -> None:
    bar = page.locator(f"#{chart} g.point path").nth(index)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_filter_drill_down_to_a_transcript_and_export(
    demo_server: ServerProcess, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(accept_downloads=True).new_page()
    open_statistics(page, demo_server)
    expect(page.locator("#stats-freshness")).to_contain_text("Data updated")
    # assets/statistics.js loads plotly.js while the server queries; the graphs then use it, not a second copy
    expect(page.locator("#stats-volume g.point path")).not_to_have_count(0, timeout=SERVER_WORK)
    expect(page.locator("script[src*='plotly.min.js']")).to_have_count(1)

    choose(page, "stats-preset", "Last 30 days")
    expect(page).to_have_url(re.compile(r"preset=last_30_days"), timeout=SERVER_WORK)
    choose(page, "stats-channels", "Support")
    expect(page).to_have_url(re.compile(r"channels=\d+"), timeout=SERVER_WORK)
    expect(page.locator("#stats-volume g.point path")).not_to_have_count(0, timeout=SERVER_WORK)
    expect(page.locator("#stats-volume .legendtext")).to_have_text(["Support"], timeout=SERVER_WORK)
    chats, missed = kpi(page, "chats"), kpi(page, "missed")
    assert 0 < missed < chats

    # Outcomes are sorted by count: answered, then missed in the queue. Its bar lists exactly the missed chats.
    click_bar(page, "stats-outcomes", 1)
    expect(page.locator("#stats-drill-summary")).to_have_text(re.compile(rf"^{missed} chats"), timeout=SERVER_WORK)
    rows = page.locator("#stats-drill-rows tr")
    expect(rows.first).to_contain_text("Missed in queue", timeout=SERVER_WORK)

    click_bar(page, "stats-volume", 0)  # the first day: the drill list changes to that day's Support chats
    expect(rows.filter(has_text="Answered").first).to_be_visible(timeout=SERVER_WORK)  # not only missed ones now
    expect(page.locator("#stats-drill-rows td").filter(has_text="Support").first).to_be_visible()
    rows.first.locator("td").nth(3).click()  # the visitor's cell: anywhere in the row opens the chat
    transcript = page.get_by_role("region", name="Transcript")
    expect(transcript.get_by_role("heading")).to_contain_text("Support", timeout=SERVER_WORK)
    expect(transcript.locator("li")).not_to_have_count(0)

    with page.expect_download(timeout=SERVER_WORK) as waiting:
        page.locator(".stats-exports").get_by_role("button", name="CSV").first.click()
    download = waiting.value
    assert re.fullmatch(r"chats_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    path = download.path()
    assert path is not None
    with open(path, encoding="utf-8-sig", newline="") as exported:
        rows_out = list(csv.DictReader(exported))
    assert len(rows_out) == chats
    assert {row["channel"] for row in rows_out} == {"Support"}
    expect(page.locator("#stats-export-message")).to_contain_text("Downloaded", timeout=SERVER_WORK)

    with page.expect_download(timeout=SERVER_WORK) as waiting:
        page.locator(".stats-exports").get_by_role("button", name="XLSX").last.click()
    assert waiting.value.suggested_filename.endswith(".xlsx")


def test_agents_cannot_open_statistics_or_exports(
    demo_server: ServerProcess, new_context: Callable[..., BrowserContext]
) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page, demo_server.url, "agent1")
    assert context.request.get(f"{demo_server.url}/statistics").status == 403
    refused = context.request.get(f"{demo_server.url}/statistics/export/chats.csv?preset=last_7_days")
    assert refused.status == 403
    assert "forbidden" in io.StringIO(refused.text()).read()


def test_agent_rows_drill_down_and_long_lists_turn_pages(
    demo_server: ServerProcess, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context().new_page()
    open_statistics(page, demo_server)
    page.goto(f"{demo_server.url}/statistics?preset=last_30_days")  # the server renders the filters in the URL
    agents = page.locator("#stats-agent-rows tr")
    expect(agents.nth(1)).to_be_visible(timeout=SERVER_WORK)
    name, chats = agents.first.locator("td").nth(0).inner_text(), int(agents.first.locator("td").nth(1).inner_text())
    assert chats > 15, "the demo data gives the busiest agent more than a page of chats"

    agents.first.locator("td").nth(2).click()  # anywhere in the row
    summary, rows = page.locator("#stats-drill-summary"), page.locator("#stats-drill-rows tr")
    expect(summary).to_have_text(re.compile(rf"^{chats} chats"), timeout=SERVER_WORK)
    expect(rows).to_have_count(15)
    assert {row.locator("td").nth(2).inner_text() for row in rows.all()} == {name}
    listed = min(chats, 500)
    pager = page.locator(".stats-drill .stats-pager")
    expect(pager).to_contain_text(f"Rows 1–15 of {listed}")
    expect(pager.get_by_role("button", name="Previous page")).to_be_disabled()
    first_page = [row.locator("td").first.inner_text() for row in rows.all()]
    assert first_page == sorted(first_page, reverse=True)  # newest first

    pager.get_by_role("button", name="Next page").click()
    expect(pager).to_contain_text(f"Rows 16–{min(30, listed)} of {listed}", timeout=SERVER_WORK)
    second_page = [row.locator("td").first.inner_text() for row in rows.all()]
    assert second_page[0] <= first_page[-1] and second_page == sorted(second_page, reverse=True)
    pager.get_by_role("button", name="Previous page").click()
    expect(pager).to_contain_text(f"Rows 1–15 of {listed}", timeout=SERVER_WORK)
    expect(rows.first.locator("td").first).to_have_text(first_page[0])

    other = agents.nth(1).locator("td").first.inner_text()  # the keyboard: the row's button, then Enter
    agents.nth(1).get_by_role("button").focus()
    page.keyboard.press("Enter")
    expect(rows.first.locator("td").nth(2)).to_have_text(other, timeout=SERVER_WORK)
    expect(agents.nth(1)).to_have_css("cursor", "pointer")

    table = page.locator("#stats-summary-table")  # 30 days per channel: more than a page too
    expect(table.locator("th").first).to_have_text("period")
    expect(table.locator("tbody tr")).to_have_count(15)
    summary_pager = page.locator(".stats-summary .stats-pager")
    expect(summary_pager).to_contain_text(re.compile(r"Rows 1–15 of \d+"))
    summary_pager.get_by_role("button", name="Next page").click()
    expect(summary_pager).to_contain_text(re.compile(r"Rows 16–\d+ of \d+"), timeout=SERVER_WORK)
