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
    rows = page.locator("#stats-drill-table tbody tr").filter(has=page.locator("td"))
    expect(rows.first).to_contain_text("Missed in queue", timeout=SERVER_WORK)

    click_bar(page, "stats-volume", 0)  # the first day: the drill list changes to that day's Support chats
    expect(rows.filter(has_text="Answered").first).to_be_visible(timeout=SERVER_WORK)  # not only missed ones now
    expect(page.locator("#stats-drill-table td").filter(has_text="Support").first).to_be_visible()
    page.locator("#stats-drill-table td[data-dash-column='visitor']").first.click()
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
