"""Attachments: only after the agent allowed upload, by extension, real images only, size limited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from chat.actions.assignment import do_pick_up
from chat.actions.attachments import FileStore, Upload, check_file, do_agent_upload, do_visitor_upload, safe_filename
from chat.actions.errors import ActionError
from chat.actions.requests import do_allow_upload
from chat.actions.sessions import PrechatForm, do_start_session
from chat.db import Database
from chat.models import ChatSession, Message, MessageKind, SessionStatus, User
from tests.factories import make_channel, make_user, make_visitor

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def answered_chat(database: Database) -> tuple[int, int]:
    with database.write() as db:
        channel = make_channel(db)
        agent = make_user(db, channels=(channel,))
        chat = do_start_session(db, make_visitor(db), channel, PrechatForm(question="Look at this"))
        do_pick_up(db, agent, chat)
        return chat.id, agent.id


def test_the_visitor_may_upload_only_after_the_agent_allowed_it(database: Database, tmp_path: Path) -> None:
    session_id, _agent_id = answered_chat(database)
    files = tmp_path / "files"
    store = FileStore(files, 1024 * 1024)
    with pytest.raises(ActionError) as refused, database.write() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        do_visitor_upload(db, store, chat, Upload("shot.png", PNG))
    assert refused.value.code == "forbidden"
    assert not files.exists()
    with database.write() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        do_allow_upload(db, chat)
        attachment, message = do_visitor_upload(db, store, chat, Upload("C:\\Users\\vera\\shot.png", PNG))
        assert chat.status is SessionStatus.CUSTOMER_LAST
    assert (attachment.filename, attachment.content_type, attachment.size) == ("shot.png", "image/png", len(PNG))
    assert store.path(attachment.storage_key).read_bytes() == PNG
    with database.read() as db:
        stored = db.scalars(select(Message).where(Message.id == message.id)).one()
    assert (stored.kind, stored.body, stored.attachment_id) == (MessageKind.ATTACHMENT, "shot.png", attachment.id)


def test_the_agent_may_send_a_file_in_an_ongoing_chat(database: Database, tmp_path: Path) -> None:
    session_id, agent_id = answered_chat(database)
    with database.write() as db:
        chat = db.get(ChatSession, session_id)
        agent = db.get(User, agent_id)
        assert chat is not None and agent is not None
        attachment, message = do_agent_upload(db, FileStore(tmp_path, 1024), chat, agent, Upload("guide.pdf", PDF))
        assert chat.status is SessionStatus.AGENT_LAST and chat.first_response_at == message.created_at
    assert attachment.content_type == "application/pdf"


@pytest.mark.parametrize(("name", "data", "code", "words"), [
    ("virus.exe", b"MZ\x90\x00", "invalid_input", "cannot be sent"),
    ("page.svg", b"<svg onload=alert(1)>", "invalid_input", "cannot be sent"),
    ("fake.png", b"<script>alert(1)</script>", "invalid_input", "not a valid PNG"),
    ("fake.pdf", b"hello", "invalid_input", "not a valid PDF"),
    ("empty.txt", b"", "invalid_input", "empty"),
    ("big.txt", b"x" * 2049, "too_large", "at most 2 KB"),
])
def test_bad_files_are_refused_with_a_clear_message(name: str, data: bytes, code: str, words: str) -> None:
    with pytest.raises(ActionError) as refused:
        check_file(name, data, 2048)
    assert refused.value.code == code
    assert words in refused.value.message


def test_nothing_is_stored_for_a_refused_file_and_the_chat_goes_on(database: Database, tmp_path: Path) -> None:
    session_id, _agent_id = answered_chat(database)
    with database.write() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        do_allow_upload(db, chat)
        last_seq = chat.last_seq
    with pytest.raises(ActionError), database.write() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        do_visitor_upload(db, FileStore(tmp_path / "files", 10), chat, Upload("big.png", PNG))
    with database.read() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None and chat.last_seq == last_seq
    assert not (tmp_path / "files").exists()


def test_file_names_are_cleaned() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("a\x00b\u202e.txt") == "ab.txt"
    assert safe_filename("   ") == "file"
    long_name = safe_filename("x" * 400 + ".pdf")
    assert len(long_name) <= 255 and long_name.endswith(".pdf")
