"""One list-and-editor pattern for each kind of shared content (reply templates, FAQ articles, folders):
a table to pick from, a form, Save (new or changed), Delete and "New". Every call is checked for admin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from chat.actions.errors import ActionError
from chat.models import User
from pages._admin_common import admin_read, admin_write, problem, refused, require_admin, saved
from pages._admin_fields import Field, controls, field_id, labels, outputs, shown, states, submitted

Row = tuple[int, list[str]]


@dataclass(frozen=True)
class ContentKind:
    prefix: str
    noun: str
    fields: tuple[Field, ...]
    form: type[BaseModel]
    headers: tuple[str, ...]
    rows: Callable[[Session], list[Row]]
    values: Callable[[Session, int], dict[str, Any] | None]
    save: Callable[[Session, User, Any, int | None], Any]
    delete: Callable[[Session, User, int], None]
    folders: Callable[[Session], list[dict[str, Any]]] | None = None  # options of the first (folder) field
    extra: tuple[Any, ...] = ()  # shown below the fields, e.g. a preview


def editor(kind: ContentKind) -> list[Any]:
    p = kind.prefix
    return [
        dcc.Store(id=f"{p}-item"), dcc.Store(id=f"{p}-version", data=0),
        html.Div(className="adm-columns", children=[
            html.Div(id=f"{p}-list", className="adm-list"),
            html.Div(className="adm-main", children=[
                html.H3(f"New {kind.noun}", id=f"{p}-heading"),
                *controls(p, kind.fields),
                *kind.extra,
                html.Button("Save", id=f"{p}-save", n_clicks=0, className="btn btn-primary"),
                html.Button(f"Delete {kind.noun}", id=f"{p}-delete", n_clicks=0, className="btn", hidden=True),
                html.Button(f"New {kind.noun}", id=f"{p}-new", n_clicks=0, className="btn"),
                html.Div(id=f"{p}-feedback", **{"aria-live": "polite"}),
            ]),
        ]),
    ]


def register(kind: ContentKind) -> None:
    p = kind.prefix
    field_labels = labels(kind.fields)
    folder_output = [Output(field_id(p, kind.fields[0]), "options")] if kind.folders else []

    @callback(Output(f"{p}-list", "children"), *folder_output, Input(f"{p}-version", "data"))
    def show_list(_version: int) -> Any:
        require_admin()
        with admin_read() as db:
            rows = kind.rows(db)
            options = [kind.folders(db)] if kind.folders else []
        body = [html.Tr([html.Th(html.Button(cells[0], id={"type": f"{p}-pick", "index": item_id}, n_clicks=0,
                                             className="link-button"), scope="row"),
                         *[html.Td(cell) for cell in cells[1:]]]) for item_id, cells in rows]
        table = html.Table(className="adm-table", children=[
            html.Thead(html.Tr([html.Th(h) for h in kind.headers])), html.Tbody(body)])
        return (table, *options) if options else table

    @callback(
        Output(f"{p}-item", "data"), Output(f"{p}-heading", "children"), Output(f"{p}-delete", "hidden"),
        *outputs(p, kind.fields),
        Input({"type": f"{p}-pick", "index": ALL}, "n_clicks"), Input(f"{p}-new", "n_clicks"),
        prevent_initial_call=True,
    )
    def pick(_clicks: list[int], _new: int) -> list[Any]:
        require_admin()
        trigger = ctx.triggered_id
        empty = shown(kind.fields, {f.name: f.default for f in kind.fields})
        if trigger == f"{p}-new":
            return [None, f"New {kind.noun}", True, *empty]
        if not isinstance(trigger, dict) or not ctx.triggered[0]["value"]:
            return [no_update] * (3 + len(kind.fields))
        with admin_read() as db:
            values = kind.values(db, trigger["index"])
        if values is None:
            return [None, f"New {kind.noun}", True, *empty]
        return [trigger["index"], f"Edit {kind.noun}", False, *shown(kind.fields, values)]

    @callback(
        Output(f"{p}-feedback", "children"), Output(f"{p}-version", "data", allow_duplicate=True),
        Output(f"{p}-item", "data", allow_duplicate=True), Output(f"{p}-delete", "hidden", allow_duplicate=True),
        Output(f"{p}-heading", "children", allow_duplicate=True), *outputs(p, kind.fields),
        Input(f"{p}-save", "n_clicks"), Input(f"{p}-delete", "n_clicks"),
        State(f"{p}-item", "data"), State(f"{p}-version", "data"), *states(p, kind.fields),
        prevent_initial_call=True,
    )
    def change(_save: int, _delete: int, item_id: int | None, version: int, *values: Any) -> tuple[Any, ...]:
        require_admin()
        deleting = ctx.triggered_id == f"{p}-delete"
        if deleting and not item_id:
            return tuple([no_update] * (5 + len(kind.fields)))
        try:
            with admin_write() as (db, admin):
                if deleting:
                    kind.delete(db, admin, item_id or 0)
                    kept = None
                else:
                    kept = kind.save(db, admin, kind.form.model_validate(submitted(kind.fields, values)), item_id).id
        except (ActionError, ValidationError) as error:
            return refused(problem(error, field_labels)), *[no_update] * (4 + len(kind.fields))
        if deleting:
            empty = shown(kind.fields, {f.name: f.default for f in kind.fields})
            return saved(f"The {kind.noun} is deleted."), (version or 0) + 1, None, True, f"New {kind.noun}", *empty
        return (saved(f"The {kind.noun} is saved."), (version or 0) + 1, kept, False, f"Edit {kind.noun}",
                *[no_update] * len(kind.fields))
