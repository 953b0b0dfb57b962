"""The Dash app mounted on the Flask server: navigation, live badges and the access guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, dcc, html
from flask import Flask, jsonify, redirect, request
from werkzeug.wrappers import Response

from chat.i18n import ui_text
from chat.models import Role
from pages._auth import STATISTICS_ROLES, NotAllowedError, current_viewer

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_PREFIXES = ("/login", "/logout", "/healthz", "/api/", "/ws/", "/widget", "/demo", "/assets/widget")
PAGE_ROLES: dict[str, tuple[Role, ...]] = {
    "/statistics": STATISTICS_ROLES,
    "/admin": (Role.ADMIN,),
}


def _guard() -> Response | tuple[Response, int] | None:
    path = request.path
    if path.startswith(PUBLIC_PREFIXES):
        return None
    viewer = current_viewer()
    is_page = not path.startswith(("/_dash", "/_reload", "/_favicon", "/assets"))
    if viewer is None:
        if is_page:
            return redirect(f"/login?next={path}")
        return jsonify(error={"code": "unauthorized", "message": "Sign in first."}), 401
    roles = next((r for prefix, r in PAGE_ROLES.items() if path.startswith(prefix)), ())
    if roles and viewer.role not in roles:
        return jsonify(error={"code": "forbidden", "message": "Your role may not open this page."}), 403
    return None


def _nav() -> html.Nav:
    viewer = current_viewer()
    language = viewer.language if viewer else "en"
    t = ui_text(language)
    links: list[Any] = [
        dcc.Link([t["dashboard"], " ", html.Span("0", id="nav-badge-dashboard", className="badge")],
                 href="/dashboard", className="nav-link"),
        dcc.Link([t["chats"], " ", html.Span("0", id="nav-badge-chats", className="badge")],
                 href="/workspace", className="nav-link"),
    ]
    if viewer and viewer.role in STATISTICS_ROLES:
        links.append(dcc.Link(t["statistics"], href="/statistics", className="nav-link"))
    if viewer and viewer.role is Role.ADMIN:
        links.append(dcc.Link(t["admin"], href="/admin", className="nav-link"))
    return html.Nav(className="topnav", children=[
        html.Div(links, className="nav-links"),
        html.Div(className="nav-right", children=[
            html.Span(t["connecting"], id="rt-status", className="rt-status", role="status"),
            html.Div(id="rt-alerts", className="rt-alerts", role="alert"),
            dcc.Checklist(id="presence-switch", options=[{"label": t["present"], "value": "present"}],
                          value=[], className="presence-switch"),
            dcc.Link(viewer.display_name if viewer else "", href="/account", className="nav-link nav-user",
                     title="My account"),
            html.A(t["sign_out"], href="/logout", className="nav-link"),
        ]),
    ])


def _layout() -> html.Div:
    viewer = current_viewer()
    return html.Div([
        _nav(),
        html.Div(id="rt-viewer", **{"data-user-id": str(viewer.id if viewer else ""),
                                    "data-language": viewer.language if viewer else "en"}),
        dcc.Store(id="rt-presence-sent"),
        html.Main(dash.page_container, className="page"),
    ])


def create_dash(server: Flask) -> dash.Dash:
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
        assets_folder=str(ROOT / "assets"),
        assets_ignore=r"widget.*",
        title="Chat",
        update_title=None,
        suppress_callback_exceptions=True,
    )
    app.layout = _layout
    app.clientside_callback(
        "function (value) { return window.chatShell.choosePresence(value); }",
        Output("rt-presence-sent", "data"),
        Input("presence-switch", "value"),
        prevent_initial_call=True,
    )
    server.before_request(_guard)
    server.register_error_handler(NotAllowedError, _refuse_callback)
    return app


def _refuse_callback(error: NotAllowedError) -> tuple[Response, int]:
    return jsonify(error={"code": "forbidden", "message": str(error)}), 403
