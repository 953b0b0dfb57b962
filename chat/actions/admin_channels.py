"""Creating, editing and (softly) deleting channels. Each form is one section of the channel's settings.

A change is audited with the old and new value of every field it changed, and announced as the agent
event `channel_changed`: open workspaces take a fresh snapshot, open widgets re-read the channel.
Deleting only marks the channel deleted: its chats, history and statistics stay.
"""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chat.actions.audit import changes, do_audit
from chat.actions.errors import invalid_input, invalid_state, not_found
from chat.actions.feed import append_agent_event
from chat.actions.forms import AdminForm, Colour, HttpUrl, Language
from chat.models import Channel, Folder, User, utcnow

PRECHAT_FIELDS = ("email", "name", "company", "phone", "country")
PRIORITIES = ("low", "normal", "high", "urgent")
QUEUE_PLACEHOLDERS = ("position", "wait")
MAX_ORIGINS = 50
FONT = re.compile(r"^[\w \-,'\"]{1,100}$")
DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
DEFAULT_PORTS = {"http": 80, "https": 443}


class ChannelProperties(AdminForm):
    name: str = Field(min_length=1, max_length=255)
    language: Language = "en"
    badge_header: str = Field("Chat with us", max_length=255)
    description: str = Field("", max_length=4000)
    agent_warning_minutes: int = Field(2, ge=1, le=1440)
    manager_warning_minutes: int = Field(5, ge=1, le=1440)
    warn_on_new_message: bool = True
    service_level_seconds: int = Field(60, ge=5, le=3600)

    @model_validator(mode="after")
    def _manager_after_agent(self) -> ChannelProperties:
        if self.manager_warning_minutes < self.agent_warning_minutes:
            raise ValueError("the manager warning must come at the same time as the agent warning or later")
        return self


class WidgetLayout(AdminForm):
    """Stored in `channels.widget` (the two messages have their own columns)."""

    theme: Literal["modern", "classic"] = "modern"
    size: Literal["normal", "large"] = "normal"
    color: Colour = Field("#0b5fff", min_length=1)
    header_color: Colour = ""
    background_color: Colour = ""
    text_color: Colour = ""
    agent_bubble_color: Colour = ""
    font: str = Field("", max_length=100)
    font_size: int = Field(15, ge=12, le=20)
    logo_url: HttpUrl = Field("", max_length=1024)
    title: str = Field("", max_length=255)
    subtitle: str = Field("", max_length=255)
    welcome_message: str = Field("", max_length=1024)
    queue_message: str = Field("", max_length=1024)

    @field_validator("font")
    @classmethod
    def _font(cls, value: str) -> str:
        if value and not FONT.match(value):
            raise ValueError("a font is a list of font names, for example: Georgia, serif")
        return value

    @field_validator("queue_message")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        unknown = [name for name in re.findall(r"\{([^{}]*)\}", value) if name not in QUEUE_PLACEHOLDERS]
        if unknown:
            raise ValueError(f"unknown placeholder {{{unknown[0]}}}: use {{position}} and {{wait}}")
        return value


class ChannelForms(AdminForm):
    """Pre-chat form, FAQ suggestions, offline form, post-chat and leaving a request from the queue."""

    prechat_enabled: bool = True
    prechat_required_fields: list[Literal["email", "name", "company", "phone", "country"]] = Field(default_factory=list)
    consent_text: str = Field("", max_length=1024)
    faq_folder_id: int | None = None
    offline_request_category: str = Field("Chat", min_length=1, max_length=64)
    offline_request_priority: Literal["low", "normal", "high", "urgent"] = "normal"
    offer_transcript: bool = True
    rating_text: str = Field("", max_length=255)
    request_from_queue_after_minutes: int | None = Field(None, ge=1, le=240)
    request_from_queue_length: int | None = Field(None, ge=1, le=1000)

    @field_validator("prechat_required_fields")
    @classmethod
    def _in_order(cls, value: list[str]) -> list[str]:
        return [name for name in PRECHAT_FIELDS if name in value]


class ChannelOrigins(AdminForm):
    """Websites that may embed the widget; none means every website."""

    allowed_origins: list[str] = Field(default_factory=list, max_length=MAX_ORIGINS)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(check_origin(entry) for entry in value if entry.strip()))


ChannelSection = ChannelProperties | WidgetLayout | ChannelForms | ChannelOrigins
LAYOUT_IN_COLUMNS = ("welcome_message", "queue_message")


def check_origin(entry: str) -> str:
    """`https://shop.example.com[:port]` or `https://*.example.com`, without a path; returned normalised
    the way chat.widget_origins compares origins (lower case, no default port)."""
    text = entry.strip().lower().rstrip("/")
    wildcard = "://*." in text
    parts = urlsplit(text.replace("://*.", "://", 1))
    try:
        port = parts.port
    except ValueError:
        port = -1
    host = parts.hostname or ""
    valid = (
        parts.scheme in DEFAULT_PORTS and bool(host) and port != -1 and not parts.path and not parts.query
        and not parts.fragment and parts.username is None and (not wildcard or (port is None and DOMAIN.match(host)))
    )
    if not valid:
        raise ValueError(f"“{entry.strip()[:100]}” is not a website origin: write https://shop.example.com "
                         "or https://*.example.com, without a path")
    host = f"[{host}]" if ":" in host else host
    suffix = f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{'*.' if wildcard else ''}{host}{suffix}"


def section_values(channel: Channel, section: type[ChannelSection]) -> dict[str, Any]:
    """The channel's current values of one section, as the form shows them."""
    if section is WidgetLayout:
        stored = {key: value for key, value in (channel.widget or {}).items() if key in WidgetLayout.model_fields}
        defaults = WidgetLayout().model_dump()
        return defaults | stored | {key: getattr(channel, key) for key in LAYOUT_IN_COLUMNS}
    return {key: getattr(channel, key) for key in section.model_fields}


def _check_name(db: Session, name: str, channel_id: int | None) -> None:
    taken = db.scalar(select(Channel.id).where(
        func.lower(Channel.name) == name.lower(), Channel.is_deleted.is_(False), Channel.id != (channel_id or 0)))
    if taken is not None:
        raise invalid_input(f"Another channel is already called “{name}”.")


def _check(db: Session, channel_id: int | None, form: ChannelSection) -> None:
    if isinstance(form, ChannelProperties):
        _check_name(db, form.name, channel_id)
    if isinstance(form, ChannelForms) and form.faq_folder_id is not None:
        folder = db.get(Folder, form.faq_folder_id)
        if folder is None or folder.kind != "faq":
            raise invalid_input("Choose an FAQ folder for the suggestions (or none).")


def _apply(channel: Channel, form: ChannelSection) -> None:
    values = form.model_dump()
    if isinstance(form, WidgetLayout):
        for key in LAYOUT_IN_COLUMNS:
            setattr(channel, key, values.pop(key))
        channel.widget = values
    else:
        for key, value in values.items():
            setattr(channel, key, value)
    channel.updated_at = utcnow()


def channel_changed(db: Session, channel: Channel, *, everyone: bool = False) -> None:
    """Members (or, for a new channel, all staff) refresh; widgets of the channel re-read it."""
    data = {"channel_id": channel.id, "name": channel.name, "deleted": channel.is_deleted}
    append_agent_event(db, "channel_changed", data, channel_id=None if everyone else channel.id)


def live_channel(db: Session, channel_id: int) -> Channel:
    channel = db.get(Channel, channel_id)
    if channel is None or channel.is_deleted:
        raise not_found(f"Channel {channel_id}")
    return channel


def do_create_channel(db: Session, admin: User, form: ChannelProperties) -> Channel:
    _check(db, None, form)
    channel = Channel(name=form.name, prechat_required_fields=[], allowed_origins=[],
                      widget=WidgetLayout().model_dump(exclude=set(LAYOUT_IN_COLUMNS)))
    _apply(channel, form)
    db.add(channel)
    db.flush()
    do_audit(db, admin, "channel_created", channel_id=channel.id, details={"changes": changes({}, form.model_dump())})
    channel_changed(db, channel, everyone=True)
    return channel


def do_update_channel(db: Session, admin: User, channel: Channel, form: ChannelSection) -> dict[str, list[Any]]:
    """Returns what changed; nothing is written or announced when nothing did."""
    if channel.is_deleted:
        raise invalid_state("This channel is deleted; restore it before you change it.")
    _check(db, channel.id, form)
    changed = changes(section_values(channel, type(form)), form.model_dump())
    if not changed:
        return changed
    _apply(channel, form)
    section = type(form).__name__
    do_audit(db, admin, "channel_updated", channel_id=channel.id, details={"section": section, "changes": changed})
    channel_changed(db, channel)
    return changed


def do_delete_channel(db: Session, admin: User, channel: Channel) -> None:
    """Soft delete: new chats are refused, chats already open go on until they end."""
    if channel.is_deleted:
        raise invalid_state("This channel is already deleted.")
    channel.is_deleted = True
    channel.updated_at = utcnow()
    do_audit(db, admin, "channel_deleted", channel_id=channel.id, details={"name": channel.name})
    channel_changed(db, channel)


def do_restore_channel(db: Session, admin: User, channel: Channel) -> None:
    if not channel.is_deleted:
        raise invalid_state("This channel is not deleted.")
    _check_name(db, channel.name, channel.id)
    channel.is_deleted = False
    channel.updated_at = utcnow()
    do_audit(db, admin, "channel_restored", channel_id=channel.id, details={"name": channel.name})
    channel_changed(db, channel, everyone=True)
