"""/admin/audit: the audit log — settings changes, listen-in, whisper, take-over — with filters."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, callback, dcc, html
from sqlalchemy import select

from chat.actions.audit import AuditFilter, AuditRow, audit_actions, audit_rows
from chat.models import Channel, User
from pages._admin_common import admin_header, admin_read, require_admin

dash.register_page(__name__, path="/admin/audit", title="Audit log")

TIME_ZONE = "Europe/Stockholm"
ZONE = ZoneInfo(TIME_ZONE)
SHOWN = 200


def layout(**_query: str) -> html.Div:
    return html.Div(className="admin", children=[
        *admin_header("Audit log", "/admin/audit"),
        html.Div(className="card adm-filters", children=[
            html.Div([html.Label("Who", htmlFor="aud-actor"), dcc.Dropdown(id="aud-actor", options=[])]),
            html.Div([html.Label("Action", htmlFor="aud-action"), dcc.Dropdown(id="aud-action", options=[])]),
            html.Div([html.Label("Channel", htmlFor="aud-channel"), dcc.Dropdown(id="aud-channel", options=[])]),
            html.Div([html.Label("Dates", htmlFor="aud-dates"),
                      dcc.DatePickerRange(id="aud-dates", display_format="YYYY-MM-DD", clearable=True)]),
        ]),
        html.P(f"The newest {SHOWN} matching entries; times in {TIME_ZONE}.", className="muted"),
        html.Div(id="aud-table", className="card"),
    ])


def describe(details: dict[str, Any]) -> str:
    """`field: old → new` for changes, `key: value` for the rest, short enough for a table cell."""
    parts = [f"{key}: {value}" for key, value in details.items() if key not in ("changes", "user_id")]
    for field, change in (details.get("changes") or {}).items():
        old, new = change if isinstance(change, list) and len(change) == 2 else (None, change)
        parts.append(f"{field}: {_short(old)} → {_short(new)}")
    return "; ".join(parts)


def _short(value: Any) -> str:
    text = "—" if value in (None, "", []) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _row(entry: AuditRow) -> html.Tr:
    local = entry.at.astimezone(ZONE)
    extra = f" (until {entry.ended_at.astimezone(ZONE):%H:%M:%S})" if entry.ended_at else ""
    return html.Tr([html.Td(f"{local:%Y-%m-%d %H:%M:%S}"), html.Td(entry.actor), html.Td(entry.action),
                    html.Td(entry.channel), html.Td(str(entry.session_id or "")),
                    html.Td(describe(entry.details) + extra, className="adm-details")])


@callback(Output("aud-actor", "options"), Output("aud-action", "options"), Output("aud-channel", "options"),
          Input("aud-table", "id"))
def filter_options(_: str) -> tuple[Any, Any, Any]:
    require_admin()
    with admin_read() as db:
        users = [{"label": name, "value": user_id}
                 for user_id, name in db.execute(select(User.id, User.display_name).order_by(User.display_name))]
        channels = [{"label": name, "value": channel_id}
                    for channel_id, name in db.execute(select(Channel.id, Channel.name).order_by(Channel.name))]
        return users, audit_actions(db), channels


@callback(Output("aud-table", "children"), Input("aud-actor", "value"), Input("aud-action", "value"),
          Input("aud-channel", "value"), Input("aud-dates", "start_date"), Input("aud-dates", "end_date"))
def show_entries(actor: int | None, action: str | None, channel: int | None, since: str | None,
                 until: str | None) -> Any:
    require_admin()
    wanted = AuditFilter(actor_id=actor, action=action or None, channel_id=channel,
                         since=date.fromisoformat(since[:10]) if since else None,
                         until=date.fromisoformat(until[:10]) if until else None, time_zone=TIME_ZONE, limit=SHOWN)
    with admin_read() as db:
        entries = audit_rows(db, wanted)
    if not entries:
        return html.P("No entries match.", className="muted")
    return html.Table(className="adm-table", children=[
        html.Thead(html.Tr([html.Th(h) for h in ("When", "Who", "Action", "Channel", "Chat", "Details")])),
        html.Tbody([_row(entry) for entry in entries]),
    ])
