"""Shared content: folders, reply templates (with variables) and FAQ articles. Agents' personal quick
replies are theirs to manage in the workspace (chat.actions.content)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from chat.actions.audit import changes, do_audit
from chat.actions.content import fill_variables
from chat.actions.errors import invalid_input, invalid_state, not_found
from chat.actions.forms import AdminForm, Language
from chat.models import Channel, FaqArticle, Favourite, Folder, ReplyTemplate, User

TEMPLATE_VARIABLES = ("visitor_name", "agent_name", "channel_name")
PREVIEW_VALUES = {"visitor_name": "Vera Visitor", "agent_name": "Anna", "channel_name": "Support"}


class FolderForm(AdminForm):
    name: str = Field(min_length=1, max_length=255)
    kind: Literal["faq", "template"]
    parent_id: int | None = None


class TemplateForm(AdminForm):
    folder_id: int | None = None
    name: str = Field(min_length=1, max_length=255)
    language: Language = "en"
    body: str = Field(min_length=1, max_length=1024)

    @field_validator("body")
    @classmethod
    def _variables(cls, value: str) -> str:
        unknown = [n for n in re.findall(r"\{([^{}]*)\}", value) if n not in TEMPLATE_VARIABLES]
        if unknown:
            raise ValueError(f"unknown variable {{{unknown[0]}}}: use {{visitor_name}}, {{agent_name}} "
                             "or {channel_name}")
        return value


class FaqForm(AdminForm):
    folder_id: int | None = None
    question: str = Field(min_length=1, max_length=255)
    answer: str = Field(min_length=1, max_length=4000)
    keywords: str = Field("", max_length=1024)
    language: Language = "en"
    published: bool = True
    public: bool = True


def preview_template(body: str, channel_name: str = PREVIEW_VALUES["channel_name"]) -> str:
    """The template as a visitor would read it, with example names filled in."""
    return fill_variables(body, visitor_name=PREVIEW_VALUES["visitor_name"],
                          agent_name=PREVIEW_VALUES["agent_name"], channel_name=channel_name)


def _folder(db: Session, folder_id: int | None, kind: str) -> None:
    if folder_id is None:
        return
    folder = db.get(Folder, folder_id)
    if folder is None or folder.kind != kind:
        raise invalid_input(f"Choose a folder for {'FAQ articles' if kind == 'faq' else 'reply templates'}.")


def do_save_folder(db: Session, admin: User, form: FolderForm, folder_id: int | None = None) -> Folder:
    _folder(db, form.parent_id, form.kind)
    folder = Folder(kind=form.kind) if folder_id is None else db.get(Folder, folder_id)
    if folder is None:
        raise not_found(f"Folder {folder_id}")
    if folder_id is not None:
        if folder.kind != form.kind:
            raise invalid_input("A folder keeps its kind; create a new folder instead.")
        parent = form.parent_id
        while parent is not None:
            if parent == folder.id:
                raise invalid_input("A folder cannot be placed inside itself.")
            parent = db.scalar(select(Folder.parent_id).where(Folder.id == parent))
    before = {"name": folder.name, "parent_id": folder.parent_id}
    folder.name, folder.parent_id = form.name, form.parent_id
    db.add(folder)
    db.flush()
    changed = changes(before, {"name": form.name, "parent_id": form.parent_id})
    if changed:
        do_audit(db, admin, "folder_saved", details={"folder_id": folder.id, "kind": folder.kind, "changes": changed})
    return folder


def do_delete_folder(db: Session, admin: User, folder_id: int) -> None:
    """Only an empty folder that no channel uses for its FAQ suggestions."""
    folder = db.get(Folder, folder_id)
    if folder is None:
        raise not_found(f"Folder {folder_id}")
    inside = sum(db.scalar(select(func.count()).select_from(model).where(column == folder_id)) or 0
                 for model, column in ((Folder, Folder.parent_id), (ReplyTemplate, ReplyTemplate.folder_id),
                                       (FaqArticle, FaqArticle.folder_id)))
    if inside:
        raise invalid_state(f"The folder “{folder.name}” is not empty; move or delete what it holds first.")
    used_by = db.scalar(select(Channel.name).where(Channel.faq_folder_id == folder_id, Channel.is_deleted.is_(False)))
    if used_by is not None:
        raise invalid_state(f"The channel {used_by} suggests FAQ articles from “{folder.name}”; "
                            "choose another folder there first.")
    db.delete(folder)
    do_audit(db, admin, "folder_deleted", details={"folder_id": folder_id, "name": folder.name})


def do_save_template(db: Session, admin: User, form: TemplateForm, template_id: int | None = None) -> ReplyTemplate:
    _folder(db, form.folder_id, "template")
    template = ReplyTemplate() if template_id is None else db.get(ReplyTemplate, template_id)
    if template is None:
        raise not_found(f"Reply template {template_id}")
    before = {key: getattr(template, key) for key in TemplateForm.model_fields}
    for key, value in form.model_dump().items():
        setattr(template, key, value)
    db.add(template)
    db.flush()
    changed = changes(before, form.model_dump())
    if changed:
        do_audit(db, admin, "template_saved", details={"template_id": template.id, "changes": changed})
    return template


def do_save_faq(db: Session, admin: User, form: FaqForm, article_id: int | None = None) -> FaqArticle:
    _folder(db, form.folder_id, "faq")
    article = FaqArticle() if article_id is None else db.get(FaqArticle, article_id)
    if article is None:
        raise not_found(f"FAQ article {article_id}")
    before = {key: getattr(article, key) for key in FaqForm.model_fields}
    for key, value in form.model_dump().items():
        setattr(article, key, value)
    db.add(article)
    db.flush()
    changed = changes(before, form.model_dump())
    if changed:
        do_audit(db, admin, "faq_saved", details={"article_id": article.id, "changes": changed})
    return article


def do_delete_item(db: Session, admin: User, kind: Literal["template", "faq"], item_id: int) -> None:
    """Delete a reply template or FAQ article, and the agents' stars on it. Sent chats keep their text."""
    item: ReplyTemplate | FaqArticle | None = (
        db.get(ReplyTemplate, item_id) if kind == "template" else db.get(FaqArticle, item_id))
    if item is None:
        raise not_found(f"{'Reply template' if kind == 'template' else 'FAQ article'} {item_id}")
    title = item.name if isinstance(item, ReplyTemplate) else item.question
    db.execute(delete(Favourite).where(Favourite.kind == kind, Favourite.item_id == item_id))
    db.delete(item)
    do_audit(db, admin, f"{kind}_deleted", details={"item_id": item_id, "title": title})
