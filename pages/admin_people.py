"""/admin/people: staff accounts — create, edit role, names and photo, disable, reset a password."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from pydantic import ValidationError
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from chat.actions.admin_people import (
    NewUser,
    Profile,
    do_create_user,
    do_reset_password,
    do_set_active,
    do_update_user,
    profile_of,
)
from chat.actions.errors import ActionError, not_found
from chat.models import Role, User
from pages._admin_common import admin_header, admin_read, admin_write, problem, refused, require_admin, saved
from pages._admin_fields import Field, controls, labels, outputs, shown, states, submitted

dash.register_page(__name__, path="/admin/people", title="People")

ROLES = tuple((role.value, role.value.capitalize()) for role in Role)
PROFILE = (
    Field("display_name", "Display name", max_length=255),
    Field("nickname", "Nickname shown to visitors", hint="Empty: the first name of the display name", max_length=64),
    Field("email", "E-mail", max_length=255),
    Field("photo_url", "Photo (web address of an image)", hint="Shown to visitors beside the agent's name",
          max_length=1024),
    Field("role", "Role", "choice", ROLES, default="agent"),
    Field("language", "Language of the staff pages", "choice", (("en", "English"), ("sv", "Swedish")),
          default="en"),
)
NEW = (
    Field("username", "Username", hint="Lower case letters, digits, dot, dash or underscore", max_length=64),
    *PROFILE,
    Field("password", "Password", "password", hint="At least 8 characters", max_length=256),
)
LABELS = labels(NEW)


def _user(db: Any, user_id: int | None) -> User:
    user = db.get(User, user_id or 0)
    if user is None:
        raise not_found(f"User {user_id}")
    return user


def layout(**_query: str) -> html.Div:
    return html.Div(className="admin", children=[
        *admin_header("People", "/admin/people"),
        dcc.Store(id="ppl-user"), dcc.Store(id="ppl-version", data=0),
        html.Div(className="adm-columns adm-columns-even", children=[
            html.Section(className="card", children=[html.H2("Staff"), html.Div(id="ppl-list")]),
            html.Section(className="card adm-main", children=[
                html.Div(id="ppl-editor", hidden=True, children=[
                    html.H2(id="ppl-editor-title"), html.P(id="ppl-editor-state", className="muted"),
                    *controls("ppl-edit", PROFILE),
                    html.Button("Save", id="ppl-save", n_clicks=0, className="btn btn-primary"),
                    html.Button("Disable account", id="ppl-disable", n_clicks=0, className="btn"),
                    html.Button("Enable account", id="ppl-enable", n_clicks=0, className="btn"),
                    html.Button("Reset password", id="ppl-reset", n_clicks=0, className="btn"),
                    html.Div(id="ppl-feedback", **{"aria-live": "polite"}),
                ]),
                html.H2("New user"),
                *controls("ppl-new", NEW),
                html.Button("Create user", id="ppl-create", n_clicks=0, className="btn btn-primary"),
                html.Div(id="ppl-new-feedback", **{"aria-live": "polite"}),
            ]),
        ]),
    ])


@callback(Output("ppl-list", "children"), Input("ppl-version", "data"))
def list_people(_version: int) -> Any:
    require_admin()
    with admin_read() as db:
        users = db.scalars(select(User).order_by(User.is_active.desc(), User.display_name)).all()
        rows = [html.Tr([
            html.Th(html.Button(u.display_name, id={"type": "ppl-pick", "index": u.id}, n_clicks=0,
                                className="link-button"), scope="row"),
            html.Td(u.username), html.Td(u.role.value), html.Td("active" if u.is_active else "disabled"),
        ]) for u in users]
    return html.Table(className="adm-table", children=[
        html.Thead(html.Tr([html.Th("Name"), html.Th("Username"), html.Th("Role"), html.Th("Status")])),
        html.Tbody(rows)])


@callback(Output("ppl-user", "data"), Input({"type": "ppl-pick", "index": ALL}, "n_clicks"),
          prevent_initial_call=True)
def pick_user(_clicks: list[int]) -> Any:
    require_admin()
    trigger = ctx.triggered_id
    return trigger["index"] if isinstance(trigger, dict) and ctx.triggered[0]["value"] else no_update


@callback(
    Output("ppl-editor", "hidden"), Output("ppl-editor-title", "children"), Output("ppl-editor-state", "children"),
    Output("ppl-disable", "hidden"), Output("ppl-enable", "hidden"), *outputs("ppl-edit", PROFILE),
    Input("ppl-user", "data"), Input("ppl-version", "data"),
    prevent_initial_call=True,
)
def load_user(user_id: int | None, _version: int) -> list[Any]:
    require_admin()
    with admin_read() as db:
        user = db.get(User, user_id or 0)
        if user is None:
            return [True, "", "", True, True, *[no_update] * len(PROFILE)]
        state = f"Username {user.username} · " + ("active" if user.is_active else "disabled: cannot sign in")
        return [False, user.display_name, state, not user.is_active, user.is_active,
                *shown(PROFILE, profile_of(user).model_dump(mode="json"))]


@callback(
    Output("ppl-feedback", "children"), Output("ppl-version", "data", allow_duplicate=True),
    Input("ppl-save", "n_clicks"), Input("ppl-disable", "n_clicks"), Input("ppl-enable", "n_clicks"),
    Input("ppl-reset", "n_clicks"), State("ppl-user", "data"), State("ppl-version", "data"),
    *states("ppl-edit", PROFILE),
    prevent_initial_call=True,
)
def change_user(*args: Any) -> tuple[Any, Any]:
    require_admin()
    user_id, version, values = args[4], args[5], args[6:]
    action = ctx.triggered_id
    try:
        with admin_write() as (db, admin):
            user = _user(db, user_id)
            if action == "ppl-save":
                changed = do_update_user(db, admin, user, Profile.model_validate(submitted(PROFILE, values)))
                message = "Saved." if changed else "Nothing to save: no field was changed."
            elif action == "ppl-reset":
                password = do_reset_password(db, admin, user, generate_password_hash)
                message = f"New password for {user.username}: {password} — give it to them; it is shown only once."
            else:
                do_set_active(db, admin, user, action == "ppl-enable")
                message = f"{user.display_name} is {'enabled' if action == 'ppl-enable' else 'disabled'}."
    except (ActionError, ValidationError) as error:
        return refused(problem(error, LABELS)), no_update
    return saved(message), (version or 0) + 1


@callback(
    Output("ppl-new-feedback", "children"), Output("ppl-version", "data", allow_duplicate=True),
    Output("ppl-user", "data", allow_duplicate=True), *outputs("ppl-new", NEW),
    Input("ppl-create", "n_clicks"), State("ppl-version", "data"), *states("ppl-new", NEW),
    prevent_initial_call=True,
)
def create_user(_clicks: int, version: int, *values: Any) -> tuple[Any, ...]:
    require_admin()
    try:
        with admin_write() as (db, admin):
            user = do_create_user(db, admin, NewUser.model_validate(submitted(NEW, values)), generate_password_hash)
            created = (user.id, user.display_name, user.username)
    except (ActionError, ValidationError) as error:
        return refused(problem(error, LABELS)), no_update, no_update, *[no_update] * len(NEW)
    empty = shown(NEW, {field.name: field.default for field in NEW})
    return saved(f"Created {created[1]} ({created[2]})."), (version or 0) + 1, created[0], *empty
