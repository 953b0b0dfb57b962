"""Loading a channel into the editor's forms, and saving each section through chat.actions.admin_channels."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback, no_update
from flask import request
from pydantic import ValidationError
from sqlalchemy import select

from chat.actions.admin_channels import (
    ChannelForms,
    ChannelOrigins,
    ChannelProperties,
    ChannelSection,
    WidgetLayout,
    do_update_channel,
    section_values,
)
from chat.actions.errors import ActionError, not_found
from chat.models import Channel, Folder
from pages._admin_channel_forms import FORMS, LAYOUT, ORIGINS, PROPERTIES
from pages._admin_common import admin_read, admin_write, problem, refused, require_admin, saved
from pages._admin_fields import Field, field_id, labels, outputs, shown, states, submitted
from pages._admin_preview import render_preview

SECTIONS: tuple[tuple[str, tuple[Field, ...], type[ChannelSection]], ...] = (
    ("adm-prop", PROPERTIES, ChannelProperties),
    ("adm-look", LAYOUT, WidgetLayout),
    ("adm-forms", FORMS, ChannelForms),
    ("adm-sites", ORIGINS, ChannelOrigins),
)
LABELS = labels(PROPERTIES, LAYOUT, FORMS, ORIGINS)


def embed_snippet(channel_id: int) -> str:
    server = request.host_url.rstrip("/")
    return f'<script src="{server}/widget.js" data-channel="{channel_id}" defer></script>'


def folder_options(folders: list[Folder]) -> list[dict[str, Any]]:
    """FAQ folders with their path ("Support FAQ / Billing"), sorted by it."""
    by_id = {f.id: f for f in folders}

    def path(folder: Folder) -> str:
        parent = by_id.get(folder.parent_id) if folder.parent_id else None
        return f"{path(parent)} / {folder.name}" if parent else folder.name

    return sorted(({"label": path(f), "value": f.id} for f in folders), key=lambda o: str(o["label"]).lower())


@callback(
    *[output for prefix, fields, _ in SECTIONS for output in outputs(prefix, fields)],
    Output("adm-forms-faq-folder-id", "options"),
    Output("adm-embed-code", "children"),
    Input("adm-channel", "data"),
    prevent_initial_call=True,
)
def load_channel(channel_id: int | None) -> list[Any]:
    require_admin()
    if not channel_id:
        return [no_update] * (sum(len(fields) for _, fields, _ in SECTIONS) + 2)
    with admin_read() as db:
        channel = db.get(Channel, channel_id)
        if channel is None:
            return [no_update] * (sum(len(fields) for _, fields, _ in SECTIONS) + 2)
        values = [value for _, fields, form in SECTIONS for value in shown(fields, section_values(channel, form))]
        folders = folder_options(list(db.scalars(select(Folder).where(Folder.kind == "faq"))))
    return [*values, folders, embed_snippet(channel_id)]


def _register_save(prefix: str, fields: tuple[Field, ...], form_class: type[ChannelSection]) -> None:
    @callback(
        Output(f"{prefix}-feedback", "children"),
        Output("adm-list-version", "data", allow_duplicate=True),
        Input(f"{prefix}-save", "n_clicks"),
        State("adm-channel", "data"),
        State("adm-list-version", "data"),
        *states(prefix, fields),
        prevent_initial_call=True,
    )
    def save(_clicks: int, channel_id: int | None, version: int | None, *values: Any) -> tuple[Any, Any]:
        require_admin()
        try:
            with admin_write() as (db, admin):
                form = form_class.model_validate(submitted(fields, values))
                channel = db.get(Channel, channel_id or 0)
                if channel is None:
                    raise not_found(f"Channel {channel_id}")
                changed = do_update_channel(db, admin, channel, form)
        except (ActionError, ValidationError) as error:
            return refused(problem(error, LABELS)), no_update
        if not changed:
            return saved("Nothing to save: no field was changed."), no_update
        return saved(f"Saved: {', '.join(LABELS.get(name, name) for name in changed)}."), (version or 0) + 1


@callback(
    Output("adm-preview", "children"),
    *[Input(field_id("adm-look", field), "value") for field in LAYOUT],
    Input("adm-prop-name", "value"),
    Input("adm-prop-badge-header", "value"),
)
def show_preview(*inputs: Any) -> list[Any]:
    """Renders what the fields hold now; nothing is read or saved."""
    require_admin()
    return render_preview(submitted(LAYOUT, inputs[:len(LAYOUT)]), inputs[-2] or "", inputs[-1] or "")


for _prefix, _fields, _form in SECTIONS:
    _register_save(_prefix, _fields, _form)
