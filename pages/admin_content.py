"""/admin/content: reply templates (with a live preview of their variables), FAQ articles and folders."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, callback, html
from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.actions.admin_content import (
    FaqForm,
    FolderForm,
    TemplateForm,
    do_delete_folder,
    do_delete_item,
    do_save_faq,
    do_save_folder,
    do_save_template,
    preview_template,
)
from chat.models import FaqArticle, Folder, ReplyTemplate
from pages._admin_channel_callbacks import folder_options
from pages._admin_common import admin_header, register_tabs, require_admin, tab_bar, tab_panel
from pages._admin_content_editor import ContentKind, editor, register
from pages._admin_fields import Field

dash.register_page(__name__, path="/admin/content", title="Content")

LANGUAGES = (("en", "English"), ("sv", "Swedish"))


def _folder_names(db: Session) -> dict[int, str]:
    return {o["value"]: o["label"] for o in folder_options(list(db.scalars(select(Folder))))}


def _folders_of(kind: str) -> Any:
    return lambda db: folder_options(list(db.scalars(select(Folder).where(Folder.kind == kind))))


def _values(model: type[Any], form: type[Any]) -> Any:
    def values(db: Session, item_id: int) -> dict[str, Any] | None:
        item = db.get(model, item_id)
        return None if item is None else {name: getattr(item, name) for name in form.model_fields}
    return values


def _template_rows(db: Session) -> list[tuple[int, list[str]]]:
    names = _folder_names(db)
    return [(t.id, [t.name, t.language, names.get(t.folder_id or 0, "")])
            for t in db.scalars(select(ReplyTemplate).order_by(ReplyTemplate.name))]


def _faq_rows(db: Session) -> list[tuple[int, list[str]]]:
    names = _folder_names(db)
    return [(a.id, [a.question, a.language, names.get(a.folder_id or 0, ""),
                    ("published" if a.published else "draft") + (", public" if a.public else ", internal")])
            for a in db.scalars(select(FaqArticle).order_by(FaqArticle.question))]


def _folder_rows(db: Session) -> list[tuple[int, list[str]]]:
    names = _folder_names(db)
    return [(f.id, [f.name, "FAQ articles" if f.kind == "faq" else "Reply templates",
                    names.get(f.parent_id or 0, "")])
            for f in db.scalars(select(Folder).order_by(Folder.kind, Folder.name))]


TEMPLATES = ContentKind(
    prefix="cnt-tpl", noun="template", form=TemplateForm, headers=("Name", "Language", "Folder"),
    fields=(Field("folder_id", "Folder", "dropdown"), Field("name", "Name", max_length=255),
            Field("language", "Language", "choice", LANGUAGES, default="en"),
            Field("body", "Text", "long", max_length=1024,
                  hint="Variables: {visitor_name}, {agent_name}, {channel_name}")),
    rows=_template_rows, values=_values(ReplyTemplate, TemplateForm),
    save=do_save_template, delete=lambda db, admin, item_id: do_delete_item(db, admin, "template", item_id),
    folders=_folders_of("template"),
    extra=(html.H4("Preview"), html.P(id="cnt-tpl-preview", className="adm-template-preview", role="status")),
)
FAQ = ContentKind(
    prefix="cnt-faq", noun="article", form=FaqForm, headers=("Question", "Language", "Folder", "State"),
    fields=(Field("folder_id", "Folder", "dropdown"), Field("question", "Question", max_length=255),
            Field("answer", "Answer", "long", max_length=4000),
            Field("keywords", "Keywords", hint="Words visitors may use, separated by commas", max_length=1024),
            Field("language", "Language", "choice", LANGUAGES, default="en"),
            Field("published", "Published (agents can insert it; visitors get it as a suggestion)", "bool",
                  default=True),
            Field("public", "Public (may be suggested to visitors)", "bool", default=True)),
    rows=_faq_rows, values=_values(FaqArticle, FaqForm),
    save=do_save_faq, delete=lambda db, admin, item_id: do_delete_item(db, admin, "faq", item_id),
    folders=_folders_of("faq"),
)
FOLDERS = ContentKind(
    prefix="cnt-fld", noun="folder", form=FolderForm, headers=("Name", "Holds", "Inside"),
    fields=(Field("parent_id", "Inside folder", "dropdown", hint="Empty: at the top"),
            Field("name", "Name", max_length=255),
            Field("kind", "Holds", "choice", (("template", "Reply templates"), ("faq", "FAQ articles")),
                  default="template")),
    rows=_folder_rows, values=_values(Folder, FolderForm),
    save=do_save_folder, delete=do_delete_folder,
    folders=lambda db: folder_options(list(db.scalars(select(Folder)))),
)


def layout(**_query: str) -> html.Div:
    return html.Div(className="admin", children=[
        *admin_header("Content", "/admin/content"),
        html.P("Personal quick replies are each agent's own: they manage them in the Chats tab.", className="muted"),
        tab_bar("cnt", ("Reply templates", "FAQ articles", "Folders")),
        tab_panel("cnt", 0, editor(TEMPLATES)),
        tab_panel("cnt", 1, editor(FAQ)),
        tab_panel("cnt", 2, editor(FOLDERS)),
    ])


for _kind in (TEMPLATES, FAQ, FOLDERS):
    register(_kind)
register_tabs("cnt")


@callback(Output("cnt-tpl-preview", "children"), Input("cnt-tpl-body", "value"))
def show_template_preview(body: str | None) -> str:
    """The template as a visitor reads it, with example names in its variables."""
    require_admin()
    return preview_template(body or "") if body else "(write a text to see it here)"
