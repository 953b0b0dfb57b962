"""The post-chat transcript by e-mail: what the visitor saw, in their language and their time zone.

Whispers and staff-only notes are never part of it. A chat's transcript can be sent a few times at
most, so the chat server cannot be used to mail strangers in bulk.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chat.actions.errors import ActionError, invalid_input, invalid_state
from chat.actions.feed import append_session_event
from chat.models import AuthorKind, Channel, ChatSession, Message, SessionEvent, User

MAX_TRANSCRIPTS_PER_CHAT = 3
UTC_ZONE = ZoneInfo("UTC")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Your chat with {channel} on {date}",
        "intro": "Here is the transcript of your chat with {channel} on {date} (times in {zone}).",
        "you": "You", "file": "[file] {name}",
        "closed_by_agent": "The agent ended the chat.", "closed_by_visitor": "You ended the chat.",
        "closed_by_idle": "The chat was closed after a while without messages.",
        "reopened": "The chat was reopened.", "upload_allowed": "File upload was allowed.",
        "transferred": "The chat was transferred to {name}.", "taken_over": "{name} took over the chat.",
        "outro": "Thank you for contacting us.",
    },
    "sv": {
        "subject": "Din chatt med {channel} {date}",
        "intro": "Här är utskriften av din chatt med {channel} {date} (tider i {zone}).",
        "you": "Du", "file": "[fil] {name}",
        "closed_by_agent": "Handläggaren avslutade chatten.", "closed_by_visitor": "Du avslutade chatten.",
        "closed_by_idle": "Chatten stängdes efter en stund utan meddelanden.",
        "reopened": "Chatten öppnades igen.", "upload_allowed": "Filuppladdning tilläts.",
        "transferred": "Chatten flyttades till {name}.", "taken_over": "{name} tog över chatten.",
        "outro": "Tack för att du kontaktade oss.",
    },
}


class TranscriptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=1, max_length=255)
    time_zone: str = Field("UTC", max_length=64)
    language: str = Field("", max_length=8)


def check_transcript_request(db: Session, chat: ChatSession, form: TranscriptRequest) -> tuple[str, ZoneInfo, str]:
    """The normalised address, the time zone and the language, or a refusal."""
    if chat.started_at is None:
        raise invalid_state("Only a chat that an agent answered has a transcript.")
    channel = db.get(Channel, chat.channel_id)
    if channel is not None and not channel.offer_transcript:
        raise invalid_state("This channel does not send transcripts by e-mail.")
    try:
        address = validate_email(form.email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise invalid_input(f"The e-mail address is not valid: {error}") from error
    try:
        zone = ZoneInfo(form.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC_ZONE
    language = next((c for c in (form.language, chat.language) if c in TEXTS), "en")
    sent = db.scalar(select(func.count(SessionEvent.id)).where(
        SessionEvent.session_id == chat.id, SessionEvent.type == "transcript_sent")) or 0
    if sent >= MAX_TRANSCRIPTS_PER_CHAT:
        raise ActionError("rate_limited",
                          f"A chat's transcript can be e-mailed at most {MAX_TRANSCRIPTS_PER_CHAT} times.")
    return address, zone, language


def _line(message: Message, t: dict[str, str], names: dict[int, str], channel: str) -> str | None:
    if message.system_event:
        if message.system_event == "welcome":
            return f"{channel}: {message.body}"
        template = t.get(message.system_event)
        return template.format(name=message.body) if template else None
    text = t["file"].format(name=message.body) if message.attachment_id is not None else message.body
    if message.author_kind is AuthorKind.VISITOR:
        return f"{t['you']}: {text}"
    return f"{names.get(message.author_user_id or 0, channel)}: {text}"


def build_transcript(db: Session, chat: ChatSession, *, to: str, sender: str, language: str,
                     zone: ZoneInfo) -> EmailMessage:
    t = TEXTS[language]
    channel = db.get(Channel, chat.channel_id)
    channel_name = channel.name if channel else "Chat"
    messages = list(db.scalars(
        select(Message).where(Message.session_id == chat.id, Message.author_kind != AuthorKind.WHISPER)
        .order_by(Message.seq)
    ))
    author_ids = {m.author_user_id for m in messages if m.author_user_id is not None}
    names = {u.id: u.name_for_visitors for u in db.scalars(select(User).where(User.id.in_(author_ids)))}
    started = chat.started_at or chat.requested_at
    date = started.astimezone(zone).strftime("%Y-%m-%d")
    lines = [t["intro"].format(channel=channel_name, date=date, zone=zone.key), ""]
    for message in messages:
        line = _line(message, t, names, channel_name)
        if line is not None:
            lines.append(f"[{message.created_at.astimezone(zone):%H:%M}] {line}")
    lines += ["", t["outro"], ""]
    mail = EmailMessage()
    mail["Subject"] = t["subject"].format(channel=channel_name, date=date)
    mail["From"] = sender
    mail["To"] = to
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content("\n".join(lines))
    return mail


def do_record_transcript(db: Session, chat: ChatSession, to: str) -> None:
    """Staff see that (and where) the transcript went; `chat` locked by the caller."""
    append_session_event(db, chat, "transcript_sent", {"to": to}, staff_only=True)
