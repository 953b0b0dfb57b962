"""/account: every staff member's own page — presence (Present / Away) and their password."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html, no_update
from pydantic import ValidationError
from werkzeug.security import check_password_hash, generate_password_hash

from chat.actions.account import PasswordChange, do_change_own_password
from chat.actions.errors import ActionError
from chat.actions.presence import do_set_presence
from chat.models import Presence, User
from pages._admin_common import problem, refused, saved
from pages._auth import current_viewer, require_viewer, services

dash.register_page(__name__, path="/account", title="My account")

TEXTS = {
    "en": {"title": "My account", "presence": "Presence", "present": "Present", "away": "Away",
           "presence_hint": "Only Present agents get chats, warnings and transfers.", "password": "Change password",
           "current": "Current password", "new": "New password (at least 8 characters)", "repeat": "New password again",
           "change": "Change password", "changed": "Your password is changed.", "now": "You are now {state}."},
    "sv": {"title": "Mitt konto", "presence": "Närvaro", "present": "Närvarande", "away": "Borta",
           "presence_hint": "Bara närvarande handläggare får chattar, varningar och överföringar.",
           "password": "Byt lösenord", "current": "Nuvarande lösenord", "new": "Nytt lösenord (minst 8 tecken)",
           "repeat": "Nytt lösenord igen", "change": "Byt lösenord", "changed": "Ditt lösenord är bytt.",
           "now": "Du är nu {state}."},
}


def _texts(language: str) -> dict[str, str]:
    return TEXTS.get(language, TEXTS["en"])


def _password(ident: str, label: str) -> html.Div:
    return html.Div([html.Label(label, htmlFor=ident), dcc.Input(id=ident, type="password", maxLength=256)],
                    className="adm-field")


def layout(**_query: str) -> html.Div:
    viewer = current_viewer()
    t = _texts(viewer.language if viewer else "en")
    return html.Div(className="admin account", children=[
        html.H1(t["title"]),
        html.P(f"{viewer.display_name} · {viewer.username} · {viewer.role.value}" if viewer else "", className="muted"),
        html.Section(className="card", children=[
            html.H2(t["presence"]),
            dcc.RadioItems(id="acc-presence", options=[{"label": t["present"], "value": "present"},
                                                       {"label": t["away"], "value": "away"}], inline=True),
            html.P(t["presence_hint"], className="muted"),
            html.Div(id="acc-presence-feedback", **{"aria-live": "polite"}),
        ]),
        html.Section(className="card", children=[
            html.H2(t["password"]),
            _password("acc-current", t["current"]), _password("acc-new", t["new"]),
            _password("acc-repeat", t["repeat"]),
            html.Button(t["change"], id="acc-change", n_clicks=0, className="btn btn-primary"),
            html.Div(id="acc-password-feedback", **{"aria-live": "polite"}),
        ]),
    ])


@callback(Output("acc-presence", "value"), Input("acc-presence", "id"))
def show_presence(_: str) -> str:
    viewer = require_viewer()
    with services().db.read() as db:
        return db.get_one(User, viewer.id).presence.value


@callback(Output("acc-presence-feedback", "children"), Input("acc-presence", "value"), prevent_initial_call=True)
def choose_presence(value: str | None) -> Any:
    viewer = require_viewer()
    if value not in ("present", "away"):
        return no_update
    with services().db.write() as db:
        changed = do_set_presence(db, db.get_one(User, viewer.id), Presence(value))
    t = _texts(viewer.language)
    return saved(t["now"].format(state=t[value].lower())) if changed else no_update


@callback(
    Output("acc-password-feedback", "children"),
    Output("acc-current", "value"), Output("acc-new", "value"), Output("acc-repeat", "value"),
    Input("acc-change", "n_clicks"),
    State("acc-current", "value"), State("acc-new", "value"), State("acc-repeat", "value"),
    prevent_initial_call=True,
)
def change_password(_clicks: int, current: str | None, new: str | None, repeat: str | None) -> tuple[Any, ...]:
    viewer = require_viewer()
    labels = {"current": _texts(viewer.language)["current"], "new": _texts(viewer.language)["new"]}
    try:
        form = PasswordChange(current=current or "", new=new or "", repeat=repeat or "")
        with services().db.write() as db:
            do_change_own_password(db, db.get_one(User, viewer.id), form, matches=check_password_hash,
                                   hash_password=generate_password_hash)
    except (ActionError, ValidationError) as error:
        return refused(problem(error, labels)), no_update, no_update, no_update
    return saved(_texts(viewer.language)["changed"]), "", "", ""
