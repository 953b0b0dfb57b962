"""The post-chat transcript: what the visitor saw, in their language and time zone, mailed a few times at most."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chat.actions.assignment import do_pick_up
from chat.actions.errors import ActionError
from chat.actions.messages import do_send_agent_message, do_send_visitor_message, do_whisper
from chat.actions.sessions import PrechatForm, do_end_session, do_start_session
from chat.actions.transcripts import (
    MAX_TRANSCRIPTS_PER_CHAT,
    TranscriptRequest,
    build_transcript,
    check_transcript_request,
    do_record_transcript,
)
from chat.db import Database
from chat.mail import Mailer
from chat.models import ChatSession
from chat.settings import Config
from tests.factories import make_channel, make_user, make_visitor
from tests.smtp_sink import SmtpSink

NOON_UTC = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def finished_chat(database: Database, language: str = "en") -> int:
    with database.write() as db:
        channel = make_channel(db, name="Teknisk support", welcome_message="Välkommen!", language=language)
        agent = make_user(db, "anna", channels=(channel,))
        agent.display_name = "Anna Lindqvist"
        supervisor = make_user(db, channels=(channel,), can_listen=True)
        chat = do_start_session(db, make_visitor(db), channel, PrechatForm(question="Appen kraschar"), now=NOON_UTC)
        do_pick_up(db, agent, chat)
        do_send_agent_message(db, chat, agent, "Vilken version har du?", "a-1")
        do_whisper(db, chat, supervisor, "Secret staff note", "w-1")
        do_send_visitor_message(db, chat, "<b>4.2</b>", "v-1")
        do_end_session(db, chat, "agent")
        return chat.id


def request(email: str = "vera@example.com", **fields: str) -> TranscriptRequest:
    return TranscriptRequest.model_validate({"email": email, **fields})


def test_the_transcript_is_what_the_visitor_saw_in_their_language(database: Database) -> None:
    session_id = finished_chat(database, language="sv")
    with database.read() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        to, zone, language = check_transcript_request(db, chat, request(time_zone="Europe/Stockholm"))
        mail = build_transcript(db, chat, to=to, sender="chat@example.com", language=language, zone=zone)
    body = mail.get_content()
    assert (language, zone) == ("sv", ZoneInfo("Europe/Stockholm"))
    assert mail["To"] == "vera@example.com" and mail["From"] == "chat@example.com"
    assert mail["Subject"].startswith("Din chatt med Teknisk support")
    assert "Du: Appen kraschar" in body
    assert "Teknisk support: Välkommen!" in body
    assert "Anna: Vilken version har du?" in body  # the name visitors see, not the full name
    assert "Du: <b>4.2</b>" in body
    assert "Handläggaren avslutade chatten." in body
    assert "Secret staff note" not in body and "Lindqvist" not in body
    assert "tider i Europe/Stockholm" in body


def test_english_and_utc_when_the_browser_sends_nothing_usable(database: Database) -> None:
    session_id = finished_chat(database, language="de")
    with database.read() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        _to, zone, language = check_transcript_request(db, chat, request(time_zone="Mars/Olympus", language="xx"))
    assert (language, zone.key) == ("en", "UTC")


def test_bad_address_unanswered_chat_and_too_many_transcripts_are_refused(database: Database) -> None:
    session_id = finished_chat(database)
    with database.write() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        with pytest.raises(ActionError, match="not valid"):
            check_transcript_request(db, chat, request("not-an-address"))
        for _ in range(MAX_TRANSCRIPTS_PER_CHAT):
            check_transcript_request(db, chat, request())
            do_record_transcript(db, chat, "vera@example.com")
        with pytest.raises(ActionError) as limited:
            check_transcript_request(db, chat, request())
        assert limited.value.code == "rate_limited"
        channel = make_channel(db)
        queued = do_start_session(db, make_visitor(db), channel, PrechatForm())
        with pytest.raises(ActionError) as unanswered:
            check_transcript_request(db, queued, request())
        assert unanswered.value.code == "invalid_state"


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    yield server
    server.stop()


def test_mail_goes_to_the_outbox_in_demo_mode_to_smtp_when_set_and_nowhere_otherwise(
    database: Database, tmp_path: Path, sink: SmtpSink
) -> None:
    session_id = finished_chat(database)
    with database.read() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        mail = build_transcript(db, chat, to="vera@example.com", sender="chat@example.com", language="en",
                                zone=ZoneInfo("UTC"))

    demo = Mailer(Config.load({"data_dir": tmp_path / "demo", "demo": True, "smtp_url": ""}))
    written = Path(demo.deliver(mail))
    assert written.parent == (tmp_path / "demo" / "outbox").resolve() and written.suffix == ".eml"
    assert b"Subject: Your chat with Teknisk support" in written.read_bytes()

    url = sink.start()
    real = Mailer(Config.load({"data_dir": tmp_path / "real", "demo": True, "smtp_url": url}))
    assert real.deliver(mail) == "smtp"
    received = sink.wait_for(1)[0]
    assert received.recipients == ["vera@example.com"]
    assert "Anna: Vilken version har du?" in received.message.get_content()
    assert not (tmp_path / "real" / "outbox").exists()

    off = Mailer(Config.load({"data_dir": tmp_path / "off", "demo": False, "smtp_url": ""}))
    assert off.available is False
    with pytest.raises(ActionError) as refused:
        off.deliver(mail)
    assert refused.value.code == "invalid_state"


def test_an_unreachable_mail_server_is_a_clear_error(database: Database, tmp_path: Path, sink: SmtpSink) -> None:
    url = sink.start()
    sink.stop()  # nobody listens on that port any more
    mailer = Mailer(Config.load({"data_dir": tmp_path, "smtp_url": url}))
    session_id = finished_chat(database)
    with database.read() as db:
        chat = db.get(ChatSession, session_id)
        assert chat is not None
        mail = build_transcript(db, chat, to="vera@example.com", sender="chat@example.com", language="en",
                                zone=ZoneInfo("UTC"))
    with pytest.raises(ActionError) as failed:
        mailer.deliver(mail)
    assert failed.value.code == "unavailable"


def test_an_unknown_smtp_scheme_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="CHAT_SMTP_URL"):
        Mailer(Config.load({"data_dir": tmp_path, "smtp_url": "http://mail.example.com"}))
