"""The members tab: who works in the channel with which rights. A ticked or cleared right is saved at once."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from pydantic import ValidationError
from sqlalchemy import select

from chat.actions.admin_members import Rights, do_remove_membership, do_set_membership, members
from chat.actions.errors import ActionError, not_found
from chat.models import Channel, User
from pages._admin_common import admin_read, admin_write, problem, refused, require_admin, saved

RIGHTS = (("can_respond", "Can respond"), ("notifications", "Notifications"), ("can_listen", "Can listen in"),
          ("is_manager", "Manager"))
RIGHT_OPTIONS = [{"value": value, "label": label} for value, label in RIGHTS]
DEFAULT_RIGHTS = ["can_respond", "notifications"]


def members_section() -> list[Any]:
    return [
        dcc.Store(id="adm-members-version", data=0),
        html.Div(id="adm-members-table"),
        html.Div(id="adm-members-feedback", **{"aria-live": "polite"}),
        html.H3("Add a member"),
        html.Label("User to add", htmlFor="adm-member-user"),
        dcc.Dropdown(id="adm-member-user", options=[], clearable=True),
        html.Fieldset([html.Legend("Rights of the new member"),
                       dcc.Checklist(id="adm-member-rights", options=RIGHT_OPTIONS, value=DEFAULT_RIGHTS,
                                     inline=True)]),
        html.Button("Add to channel", id="adm-member-add", n_clicks=0, className="btn btn-primary"),
    ]


def _rights(values: list[str] | None) -> Rights:
    chosen = set(values or [])
    return Rights(**{name: name in chosen for name, _ in RIGHTS})


def _channel_and_user(db: Any, channel_id: int | None, user_id: int | None) -> tuple[Channel, User]:
    channel = db.get(Channel, channel_id or 0)
    user = db.get(User, user_id or 0)
    if channel is None or user is None:
        raise not_found("That channel or user")
    return channel, user


@callback(
    Output("adm-members-table", "children"),
    Output("adm-member-user", "options"),
    Input("adm-channel", "data"),
    Input("adm-members-version", "data"),
)
def show_members(channel_id: int | None, _version: int) -> tuple[Any, Any]:
    require_admin()
    if not channel_id:
        return [], []
    with admin_read() as db:
        found = members(db, channel_id)
        inside = {m.user_id for m in found}
        others = db.scalars(select(User).where(User.is_active.is_(True)).order_by(User.display_name)).all()
        options = [{"label": f"{u.display_name} ({u.username}, {u.role.value})", "value": u.id}
                   for u in others if u.id not in inside]
    if not found:
        return html.P("Nobody works in this channel yet.", className="muted"), options
    rows = [html.Tr([
        html.Th([m.display_name, html.Br(), html.Small(f"{m.username}, {m.role}" + ("" if m.active else ", disabled"),
                                                       className="muted")], scope="row"),
        html.Td(dcc.Checklist(id={"type": "adm-rights", "user": m.user_id}, options=RIGHT_OPTIONS, inline=True,
                              value=[name for name, _ in RIGHTS if getattr(m.rights, name)])),
        html.Td(html.Button("Remove", id={"type": "adm-member-remove", "user": m.user_id}, n_clicks=0,
                            className="btn", **{"aria-label": f"Remove {m.display_name}"})),
    ], **{"data-user": m.username}) for m in found]
    table = html.Table(className="adm-table", children=[
        html.Thead(html.Tr([html.Th("Member"), html.Th("Rights"), html.Th("")])), html.Tbody(rows)])
    return table, options


@callback(
    Output("adm-members-feedback", "children", allow_duplicate=True),
    Output("adm-members-version", "data", allow_duplicate=True),
    Input({"type": "adm-rights", "user": ALL}, "value"),
    State("adm-channel", "data"),
    State("adm-members-version", "data"),
    prevent_initial_call=True,
)
def change_rights(_values: list[Any], channel_id: int | None, version: int) -> tuple[Any, Any]:
    require_admin()
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or len(ctx.triggered) != 1:
        return no_update, no_update
    try:
        with admin_write() as (db, admin):
            channel, user = _channel_and_user(db, channel_id, trigger["user"])
            changed = do_set_membership(db, admin, channel, user, _rights(ctx.triggered[0]["value"]))
    except (ActionError, ValidationError) as error:
        return refused(problem(error)), (version or 0) + 1  # show the stored rights again
    if not changed:
        return no_update, no_update
    return saved(f"Saved the rights of {user.display_name}."), no_update


@callback(
    Output("adm-members-feedback", "children", allow_duplicate=True),
    Output("adm-members-version", "data", allow_duplicate=True),
    Input({"type": "adm-member-remove", "user": ALL}, "n_clicks"),
    State("adm-channel", "data"),
    State("adm-members-version", "data"),
    prevent_initial_call=True,
)
def remove_member(_clicks: list[int], channel_id: int | None, version: int) -> tuple[Any, Any]:
    require_admin()
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
        return no_update, no_update
    try:
        with admin_write() as (db, admin):
            channel, user = _channel_and_user(db, channel_id, trigger["user"])
            do_remove_membership(db, admin, channel, user)
    except ActionError as error:
        return refused(problem(error)), no_update
    return saved(f"{user.display_name} no longer works in {channel.name}."), (version or 0) + 1


@callback(
    Output("adm-members-feedback", "children", allow_duplicate=True),
    Output("adm-members-version", "data", allow_duplicate=True),
    Output("adm-member-user", "value"),
    Input("adm-member-add", "n_clicks"),
    State("adm-channel", "data"),
    State("adm-member-user", "value"),
    State("adm-member-rights", "value"),
    State("adm-members-version", "data"),
    prevent_initial_call=True,
)
def add_member(_clicks: int, channel_id: int | None, user_id: int | None, rights: list[str], version: int) -> Any:
    require_admin()
    try:
        with admin_write() as (db, admin):
            if not user_id:
                raise ActionError("invalid_input", "Choose the user to add.")
            channel, user = _channel_and_user(db, channel_id, user_id)
            do_set_membership(db, admin, channel, user, _rights(rights))
    except (ActionError, ValidationError) as error:
        return refused(problem(error)), no_update, no_update
    return saved(f"{user.display_name} now works in {channel.name}."), (version or 0) + 1, None
