"""Users, channels, channel membership (the four rights) and opening hours."""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chat.models.base import Base, utcnow


class Role(enum.StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


class Presence(enum.StrEnum):
    PRESENT = "present"
    AWAY = "away"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    nickname: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255))
    photo_url: Mapped[str | None] = mapped_column(String(1024))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.AGENT)
    is_active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    presence: Mapped[Presence] = mapped_column(_enum(Presence), default=Presence.AWAY)
    presence_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    @property
    def name_for_visitors(self) -> str:
        return self.nickname or self.display_name.split(" ")[0]


class Channel(Base):
    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="en")
    badge_header: Mapped[str] = mapped_column(String(255), default="Chat with us")
    description: Mapped[str] = mapped_column(Text, default="")
    agent_warning_minutes: Mapped[int] = mapped_column(default=2)
    manager_warning_minutes: Mapped[int] = mapped_column(default=5)
    warn_on_new_message: Mapped[bool] = mapped_column(default=True)
    service_level_seconds: Mapped[int] = mapped_column(default=60)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Stockholm")
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    welcome_message: Mapped[str] = mapped_column(String(1024), default="")
    queue_message: Mapped[str] = mapped_column(String(1024), default="")
    prechat_enabled: Mapped[bool] = mapped_column(default=True)
    prechat_required_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_text: Mapped[str] = mapped_column(String(1024), default="")
    faq_folder_id: Mapped[int | None] = mapped_column(ForeignKey("folders.id"))
    offline_request_category: Mapped[str] = mapped_column(String(64), default="Chat")
    offline_request_priority: Mapped[str] = mapped_column(String(32), default="normal")
    request_from_queue_after_minutes: Mapped[int | None] = mapped_column()
    request_from_queue_length: Mapped[int | None] = mapped_column()
    rating_text: Mapped[str] = mapped_column(String(255), default="")
    offer_transcript: Mapped[bool] = mapped_column(default=True)
    widget: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_deleted: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="channel")
    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="channel", cascade="all, delete-orphan"
    )


class Membership(Base):
    """A user's rights on one channel (SuperOffice: Can respond, Notifications, Can listen in, Manager)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    can_respond: Mapped[bool] = mapped_column(default=True)
    notifications: Mapped[bool] = mapped_column(default=True)
    can_listen: Mapped[bool] = mapped_column(default=False)
    is_manager: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="memberships")
    channel: Mapped[Channel] = relationship(back_populates="memberships")


class OpeningHours(Base):
    """One weekday's opening interval (0 = Monday) in the channel's time zone, with an optional lunch."""

    __tablename__ = "opening_hours"
    __table_args__ = (UniqueConstraint("channel_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column()
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)
    lunch_start: Mapped[time | None] = mapped_column(Time)
    lunch_end: Mapped[time | None] = mapped_column(Time)

    channel: Mapped[Channel] = relationship(back_populates="opening_hours")
