"""What every admin page shares: the sub-navigation, tabs, readable error messages and the acting admin."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dash import ALL, Input, Output, clientside_callback, dcc, html
from pydantic import ValidationError
from sqlalchemy.orm import Session

from chat.actions.errors import ActionError
from chat.models import Role, User
from pages._auth import require_viewer, services

SECTIONS = (("/admin", "Channels"), ("/admin/people", "People"), ("/admin/content", "Content"),
            ("/admin/audit", "Audit log"))
WEEKDAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def admin_header(title: str, active: str) -> list[Any]:
    links = [html.Span(label, className="adm-subnav-link active", **{"aria-current": "page"}) if href == active
             else dcc.Link(label, href=href, className="adm-subnav-link") for href, label in SECTIONS]
    return [html.Nav(links, className="adm-subnav", **{"aria-label": "Administration"}), html.H1(title)]


def tab_bar(prefix: str, names: tuple[str, ...]) -> html.Div:
    """Buttons that show one panel at a time (every panel stays in the page, so forms keep their input)."""
    return html.Div([html.Button(name, id={"type": f"{prefix}-tab", "index": i}, n_clicks=0, role="tab",
                                 className="adm-tab") for i, name in enumerate(names)],
                    role="tablist", className="adm-tabs")


def tab_panel(prefix: str, index: int, children: list[Any]) -> html.Div:
    return html.Div(children, id={"type": f"{prefix}-panel", "index": index}, role="tabpanel",
                    className="adm-panel", hidden=index != 0)


def register_tabs(prefix: str) -> None:
    """The tab switch runs in the browser: nothing on the server changes when a tab is chosen."""
    clientside_callback(
        """function (clicks) {
            const trigger = window.dash_clientside.callback_context.triggered_id;
            const chosen = trigger && typeof trigger.index === "number" ? trigger.index : 0;
            const hidden = clicks.map(function (_, i) { return i !== chosen; });
            return [hidden, hidden.map(function (h) { return h ? "adm-tab" : "adm-tab active"; })];
        }""",
        Output({"type": f"{prefix}-panel", "index": ALL}, "hidden"),
        Output({"type": f"{prefix}-tab", "index": ALL}, "className"),
        Input({"type": f"{prefix}-tab", "index": ALL}, "n_clicks"),
    )


def problem(error: ActionError | ValidationError, field_labels: dict[str, str] | None = None) -> str:
    """One sentence a person can act on: which field, what is wrong."""
    if isinstance(error, ActionError):
        return error.message
    first = error.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    names = [str(part) for part in first["loc"] if not isinstance(part, int)]
    if first["type"] == "missing" and names:
        message = "this is required"
    if first["type"] == "int_parsing":
        message = "write a whole number"
    if not names:
        return message[:1].upper() + message[1:] + "."
    label = (field_labels or {}).get(names[-1], names[-1].replace("_", " ").capitalize())
    return f"{label}: {message}."


def saved(text: str) -> html.P:
    return html.P(text, className="adm-ok", role="status")


def refused(text: str) -> html.P:
    return html.P(text, className="adm-error", role="alert")


def require_admin() -> None:
    """Raises NotAllowedError (a 403 for the callback) unless the signed-in user is an active admin."""
    require_viewer(Role.ADMIN)


@contextmanager
def admin_write() -> Iterator[tuple[Session, User]]:
    """A write transaction on behalf of the signed-in admin (checked on the server, every call)."""
    viewer = require_viewer(Role.ADMIN)
    with services().db.write() as db:
        yield db, db.get_one(User, viewer.id)


def admin_read() -> Any:
    require_viewer(Role.ADMIN)
    return services().db.read()
