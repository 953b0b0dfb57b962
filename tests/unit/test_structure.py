"""Rules of the codebase that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from chat.db import Database
from chat.models import Base
from chat.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
WEB_FRAMEWORKS = ("flask", "flask_sock", "dash", "werkzeug", "simple_websocket", "gevent")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_domain_actions_import_no_web_framework() -> None:
    files = sorted((ROOT / "chat" / "actions").glob("*.py"))
    assert files
    offenders = {f.name: _imported_modules(f) & set(WEB_FRAMEWORKS) for f in files}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    table_rows = set(re.findall(r"^\| `(CHAT_[A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert {s.env for s in SETTINGS} - table_rows == set(), "undocumented settings"
    assert table_rows - {s.env for s in SETTINGS} == set(), "documented settings that do not exist"


def test_every_chat_setting_read_in_code_is_declared() -> None:
    declared = {s.env for s in SETTINGS}
    used: set[str] = set()
    for path in [ROOT / "app.py", *ROOT.glob("chat/**/*.py"), *ROOT.glob("analytics/**/*.py")]:
        used.update(re.findall(r"\"(CHAT_[A-Z_]+)\"", path.read_text()))
    assert used <= declared


def test_migrations_match_the_models(tmp_path: Path) -> None:
    from chat.bus import InProcessBus

    database = Database(f"sqlite:///{tmp_path / 'm.db'}", InProcessBus())
    database.migrate()
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = compare_metadata(context, Base.metadata)
    database.dispose()
    assert differences == []


def test_every_frame_type_has_a_handler() -> None:
    from typing import get_args

    from chat.agent_socket import AgentSocket
    from chat.protocol import AgentFrame, VisitorFrame
    from chat.visitor_socket import VisitorSocket

    for union, socket_class in ((AgentFrame, AgentSocket), (VisitorFrame, VisitorSocket)):
        frame_classes = get_args(get_args(union)[0])
        types = {t for cls in frame_classes for t in get_args(cls.model_fields["type"].annotation)}
        assert types
        missing = {t for t in types if not hasattr(socket_class, f"_on_{t}")}
        assert missing == set(), f"{socket_class.__name__} lacks handlers"


def test_migrations_upgrade_a_database_that_holds_chats(tmp_path: Path) -> None:
    """Batch migrations rebuild SQLite tables; rows that other tables point at must survive that."""
    from alembic import command
    from sqlalchemy import func, select

    from chat.bus import InProcessBus
    from chat.db import alembic_config
    from chat.models import ChatSession
    from tests.factories import make_channel, make_visitor

    database = Database(f"sqlite:///{tmp_path / 'old.db'}", InProcessBus())
    with database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0002")
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO channels (id, name, language, badge_header, description, agent_warning_minutes, "
            "manager_warning_minutes, warn_on_new_message, service_level_seconds, time_zone, allowed_origins, "
            "welcome_message, queue_message, prechat_enabled, prechat_required_fields, consent_text, "
            "offline_request_category, offline_request_priority, rating_text, widget, is_deleted, updated_at) "
            "VALUES (1, 'Support', 'en', '', '', 2, 5, 1, 60, 'UTC', '[]', '', '', 1, '[]', '', 'Chat', 'normal', "
            "'', '{}', 0, '2026-01-01 00:00:00')")
        connection.exec_driver_sql("INSERT INTO visitors (id, public_id, created_at) VALUES (1, 'v', '2026-01-01')")
        connection.exec_driver_sql(
            "INSERT INTO chat_sessions (id, channel_id, visitor_id, status, language, visitor_name, visitor_email, "
            "visitor_phone, visitor_company, visitor_country, consent, first_question, requested_at, "
            "last_activity_at, upload_allowed, last_seq, updated_at) VALUES (1, 1, 1, 'ended', 'en', '', '', '', "
            "'', '', 0, '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 0, 0, '2026-01-01 00:00:00')")
    database.migrate()
    with database.write() as db:
        assert db.scalar(select(func.count(ChatSession.id))) == 1
        make_visitor(db)
        assert make_channel(db, name="After").id == 2
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()
