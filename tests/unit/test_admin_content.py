"""Folders, reply templates and FAQ articles through the admin actions; the audit log and its filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select

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
from chat.actions.audit import AuditFilter, audit_actions, audit_rows, do_audit
from chat.actions.content import do_toggle_favourite, list_insertables
from chat.actions.errors import ActionError
from chat.actions.faq import faq_suggestions
from chat.db import Database
from chat.models import AuditEntry, Favourite, ReplyTemplate, Role, User, utcnow
from tests.factories import make_channel, make_user


def admin_id(database: Database) -> int:
    with database.write() as db:
        return make_user(db, "boss", role=Role.ADMIN).id


def test_templates_have_known_variables_and_a_preview(database: Database) -> None:
    boss = admin_id(database)
    with pytest.raises(ValidationError, match=r"unknown variable \{customer\}"):
        TemplateForm(name="Hi", body="Hello {customer}")
    form = TemplateForm(name="Hi", language="sv", body="Hej {visitor_name}, jag heter {agent_name} på {channel_name}.")
    assert preview_template(form.body, "Sales") == "Hej Vera Visitor, jag heter Anna på Sales."
    with database.write() as db:
        admin = db.get_one(User, boss)
        folder = do_save_folder(db, admin, FolderForm(name="Greetings", kind="template"))
        saved = do_save_template(db, admin, form.model_copy(update={"folder_id": folder.id}))
        agent = make_user(db, "anna")
        assert [i.title for i in list_insertables(db, agent, "template")] == ["Hi"]
        do_toggle_favourite(db, agent, "template", saved.id)
        template_id = saved.id
    with pytest.raises(ActionError, match="not empty"), database.write() as db:
        do_delete_folder(db, db.get_one(User, boss), folder.id)
    with database.write() as db:
        do_delete_item(db, db.get_one(User, boss), "template", template_id)
        do_delete_folder(db, db.get_one(User, boss), folder.id)
    with database.read() as db:
        assert db.scalars(select(ReplyTemplate)).all() == [] and db.scalars(select(Favourite)).all() == []
        assert db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
            "folder_saved", "template_saved", "template_deleted", "folder_deleted"]


def test_faq_articles_feed_the_channels_suggestions_when_published_and_public(database: Database) -> None:
    boss = admin_id(database)
    with database.write() as db:
        admin = db.get_one(User, boss)
        folder = do_save_folder(db, admin, FolderForm(name="Support FAQ", kind="faq"))
        channel = make_channel(db, faq_folder_id=folder.id)
        article = do_save_faq(db, admin, FaqForm(folder_id=folder.id, question="How do I reset my password?",
                                                 answer="Use 'Forgot password'.", keywords="password, login"))
        assert [s.id for s in faq_suggestions(db, channel, "I forgot my password")] == [article.id]
        do_save_faq(db, admin, FaqForm(folder_id=folder.id, question=article.question, answer=article.answer,
                                       keywords=article.keywords, public=False), article.id)
        assert faq_suggestions(db, channel, "I forgot my password") == []
        channel_name = channel.name
    with pytest.raises(ActionError, match=f"The channel {channel_name} suggests"), database.write() as db:
        do_delete_item(db, db.get_one(User, boss), "faq", article.id)
        do_delete_folder(db, db.get_one(User, boss), folder.id)


def test_folders_hold_one_kind_and_never_themselves(database: Database) -> None:
    boss = admin_id(database)
    with database.write() as db:
        admin = db.get_one(User, boss)
        top = do_save_folder(db, admin, FolderForm(name="Top", kind="faq"))
        inner = do_save_folder(db, admin, FolderForm(name="Inner", kind="faq", parent_id=top.id))
        ids = (top.id, inner.id)
    with pytest.raises(ActionError, match="inside itself"), database.write() as db:
        do_save_folder(db, db.get_one(User, boss), FolderForm(name="Top", kind="faq", parent_id=ids[1]), ids[0])
    with pytest.raises(ActionError, match="keeps its kind"), database.write() as db:
        do_save_folder(db, db.get_one(User, boss), FolderForm(name="Top", kind="template"), ids[0])
    with pytest.raises(ActionError, match="Choose a folder for reply templates"), database.write() as db:
        do_save_template(db, db.get_one(User, boss), TemplateForm(name="x", body="y", folder_id=ids[0]))


def test_the_audit_log_filters_by_who_what_where_and_when(database: Database) -> None:
    with database.write() as db:
        boss, other = make_user(db, "boss", role=Role.ADMIN), make_user(db, "sara", role=Role.SUPERVISOR)
        channel = make_channel(db)
        do_audit(db, boss, "channel_updated", channel_id=channel.id, details={"changes": {"name": ["A", "B"]}})
        old = do_audit(db, boss, "user_created")
        old.created_at = utcnow() - timedelta(days=10)
        db.add(AuditEntry(actor_user_id=other.id, action="listen_in", session_id=7, channel_id=channel.id))
        boss_id, other_id, channel_id = boss.id, other.id, channel.id
    today = utcnow().astimezone().date()
    with database.read() as db:
        assert [r.action for r in audit_rows(db, AuditFilter())] == ["listen_in", "channel_updated", "user_created"]
        assert [r.action for r in audit_rows(db, AuditFilter(actor_id=other_id))] == ["listen_in"]
        assert [r.actor for r in audit_rows(db, AuditFilter(action="listen_in"))] == ["Sara"]
        assert {r.channel for r in audit_rows(db, AuditFilter(channel_id=channel_id))} == {"Support"}
        recent = audit_rows(db, AuditFilter(actor_id=boss_id, since=today - timedelta(days=1)))
        assert [r.action for r in recent] == ["channel_updated"]
        assert [r.action for r in audit_rows(db, AuditFilter(until=date(2000, 1, 1)))] == []
        assert audit_actions(db) == ["channel_updated", "listen_in", "user_created"]
