"""The opening-hours tab: always open, or per weekday opening, closing and lunch, in a time zone."""

from __future__ import annotations

import json
from typing import Any

from dash import ALL, Input, Output, State, callback, dcc, html, no_update
from pydantic import ValidationError

from chat.actions.admin_hours import WEEKDAYS, DayHours, WeekHours, do_set_opening_hours, time_zones, week_hours
from chat.actions.errors import ActionError, not_found
from chat.models import Channel
from pages._admin_common import admin_read, admin_write, problem, refused, require_admin, saved

ON = "on"
COLUMNS = (("opens", "opens"), ("closes", "closes"), ("lunch_start", "lunch from"), ("lunch_end", "lunch until"))
LABELS = {"time_zone": "Time zone", "days": "Opening hours"}


def dom_id(ident: dict[str, Any]) -> str:
    """The element id Dash gives a component with a dict id (keys sorted, compact JSON)."""
    return json.dumps(dict(sorted(ident.items())), separators=(",", ":"))


def _time_input(column: str, day: int, label: str) -> html.Td:
    ident = {"type": f"adm-hours-{column}", "day": day}
    return html.Td([html.Label(f"{WEEKDAYS[day]} {label}", htmlFor=dom_id(ident), className="sr-label"),
                    dcc.Input(id=ident, type="text", placeholder="HH:MM", maxLength=5, size="5",
                              className="adm-time")])


def hours_section() -> list[Any]:
    rows = [html.Tr([
        html.Th(dcc.Checklist(id={"type": "adm-hours-open", "day": day},
                              options=[{"label": name, "value": ON}], value=[]), scope="row"),
        *[_time_input(column, day, label) for column, label in COLUMNS],
    ]) for day, name in enumerate(WEEKDAYS)]
    return [
        dcc.Checklist(id="adm-hours-always", options=[{"label": "Always open (no opening hours)", "value": ON}],
                      value=[ON], className="adm-check"),
        html.Div([html.Label("Time zone", htmlFor="adm-hours-zone"),
                  dcc.Dropdown(id="adm-hours-zone", options=list(time_zones()), clearable=False)],
                 className="adm-field"),
        html.P("Tick the days the chat is open. Times are HH:MM in the channel's time zone; "
               "a lunch break (both ends, or neither) closes the chat in between.", className="muted"),
        html.Table(className="adm-hours", children=[
            html.Thead(html.Tr([html.Th("Day"), *[html.Th(label.capitalize()) for _, label in COLUMNS]])),
            html.Tbody(rows),
        ]),
        html.Button("Save opening hours", id="adm-hours-save", n_clicks=0, className="btn btn-primary"),
        html.Div(id="adm-hours-feedback", **{"aria-live": "polite"}),
    ]


def _day_outputs(prop: str) -> list[Output]:
    return [Output({"type": "adm-hours-open", "day": ALL}, "value", allow_duplicate=True),
            *[Output({"type": f"adm-hours-{c}", "day": ALL}, prop, allow_duplicate=True) for c, _ in COLUMNS]]


@callback(
    Output("adm-hours-always", "value", allow_duplicate=True),
    Output("adm-hours-zone", "value", allow_duplicate=True),
    *_day_outputs("value"),
    Input("adm-channel", "data"),
    prevent_initial_call=True,
)
def load_hours(channel_id: int | None) -> list[Any]:
    require_admin()
    if not channel_id:
        return [no_update] * 7
    with admin_read() as db:
        channel = db.get(Channel, channel_id)
        if channel is None:
            return [no_update] * 7
        hours = week_hours(db, channel)
    days = sorted(hours.days, key=lambda d: d.weekday)
    return [[ON] if hours.always_open else [], hours.time_zone, [[ON] if d.open else [] for d in days],
            *[[getattr(d, column) for d in days] for column, _ in COLUMNS]]


@callback(
    Output("adm-hours-feedback", "children"),
    Input("adm-hours-save", "n_clicks"),
    State("adm-channel", "data"),
    State("adm-hours-always", "value"),
    State("adm-hours-zone", "value"),
    State({"type": "adm-hours-open", "day": ALL}, "value"),
    *[State({"type": f"adm-hours-{c}", "day": ALL}, "value") for c, _ in COLUMNS],
    prevent_initial_call=True,
)
def save_hours(_clicks: int, channel_id: int | None, always: list[str], zone: str | None, opened: list[Any],
               *times: list[str | None]) -> Any:
    require_admin()
    try:
        with admin_write() as (db, admin):
            channel = db.get(Channel, channel_id or 0)
            if channel is None:
                raise not_found(f"Channel {channel_id}")
            days = [DayHours(weekday=day, open=ON in (opened[day] or []),
                             **{c: (times[i][day] or "").strip() for i, (c, _) in enumerate(COLUMNS)})
                    for day in range(7)]
            hours = WeekHours(always_open=ON in (always or []), time_zone=(zone or "").strip(), days=days)
            changed = do_set_opening_hours(db, admin, channel, hours)
    except (ActionError, ValidationError) as error:
        return refused(problem(error, LABELS))
    return saved("Opening hours saved." if changed else "Nothing to save: the opening hours are unchanged.")
