"""The overview's tables as plain HTML rendered on the server (no DataTable: its code stays off the first screen).

Agent rows drill down to the agent's chats and chat rows open the transcript: a click anywhere in the row counts
(`n_clicks` of its pattern-matching id), and its first cell is a button, so the keyboard reaches it. Every table
shows 15 rows at a time (agents with the most chats first, newest chats first, periods in order).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dash import html

from pages._statistics_texts import duration

PAGE_SIZE = 15
AGENT_COLUMNS = ("agent", "chats", "handle", "first_response", "rating", "transfers")
DRILL_COLUMNS = ("time", "channel", "agent", "visitor", "outcome", "wait", "rating")
PERIOD_SHAPES = {"hour": "%Y-%m-%d %H:00", "day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m"}
Pager = tuple[str, bool, bool, int]  # "rows x–y of n", previous disabled, next disabled, page shown


def pager_props(name: str) -> tuple[tuple[str, str], ...]:
    """The (component, property) pairs a pager's state is written to, in the order `pager` returns them."""
    return ((f"stats-{name}-range", "children"), (f"stats-{name}-prev", "disabled"),
            (f"stats-{name}-next", "disabled"), (f"stats-{name}-page", "data"))


def pager(page: int, count: int, t: dict[str, str]) -> Pager:
    last = max(0, (count - 1) // PAGE_SIZE)
    page = min(max(page, 0), last)
    first = page * PAGE_SIZE
    text = t["page_rows"].format(first=first + 1, last=min(first + PAGE_SIZE, count), count=count) if count else ""
    return text, page == 0, page >= last, page


def cell(value: Any) -> str:
    """A number as the browser prints it (12.0 -> '12'); nothing for a missing value."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def head(names: list[str]) -> html.Thead:
    return html.Thead(html.Tr([html.Th(name, scope="col") for name in names]))


def headers(columns: tuple[str, ...], t: dict[str, str]) -> html.Thead:
    return head([t[column] for column in columns])


def link_row(row_id: dict[str, Any], cells: list[str]) -> html.Tr:
    first, *rest = cells
    return html.Tr(id=row_id, n_clicks=0, className="stats-row-link", children=[
        html.Td(html.Button(first, type="button", className="stats-row-button")), *[html.Td(c) for c in rest]])


def agent_page(agents: list[dict[str, Any]], page: int, t: dict[str, str], language: str) -> tuple[Any, ...]:
    """The page's agent rows (most chats first) and the pager under them."""
    state = pager(page, len(agents), t)
    start = state[-1] * PAGE_SIZE
    rows = [link_row({"type": "stats-agent-row", "agent": a["agent_id"]}, [
        a["agent"], cell(a["chats"]), duration(a["avg_handle"], language),
        duration(a["avg_first_response"], language),
        "–" if a["avg_rating"] is None else f"{a['avg_rating']:.2f} ({a['ratings']})", cell(a["transfers"]),
    ]) for a in agents[start:start + PAGE_SIZE]]
    return rows, *state


def drill_page(listed: list[dict[str, Any]], page: int, t: dict[str, str], language: str) -> tuple[Any, ...]:
    """The page's chat rows and the pager under them."""
    state = pager(page, len(listed), t)
    start = state[-1] * PAGE_SIZE
    rows = [link_row({"type": "stats-drill-row", "chat": r["chat_id"]}, [
        r["requested_local"].strftime("%Y-%m-%d %H:%M"), r["channel"], r["agent"], r["visitor"], t[r["outcome"]],
        duration(r["wait_seconds"], language), "★" * (r["rating"] or 0),
    ]) for r in listed[start:start + PAGE_SIZE]]
    return rows, *state


def summary_page(rows: list[dict[str, Any]], granularity: str, page: int, t: dict[str, str]) -> tuple[Any, ...]:
    """The summary table's head and the page's rows (its columns are the export's), and the pager."""
    state = pager(page, len(rows), t)
    if not rows:
        return [], *state
    shape, start = PERIOD_SHAPES[granularity], state[-1] * PAGE_SIZE
    body = [html.Tr([html.Td(cell(value)) for value in {**row, "period": row["period"].strftime(shape)}.values()])
            for row in rows[start:start + PAGE_SIZE]]
    return [head(list(rows[0])), html.Tbody(body)], *state
