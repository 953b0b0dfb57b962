"""Every setting of the product: one table, read from CHAT_* environment variables by create_app."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    description: str


SETTINGS: tuple[Setting, ...] = (
    Setting("CHAT_DATA_DIR", "./data", "Folder for the SQLite database, DuckDB file and secret key."),
    Setting("CHAT_DATABASE_URL", "", "SQLAlchemy URL; empty means SQLite at `<data dir>/chat.db`."),
    Setting("CHAT_REDIS_URL", "", "Redis URL for the pub/sub bus; empty means the in-process bus."),
    Setting("CHAT_SECRET_KEY", "", "Signs cookies and visitor tokens; empty means generated once into the data dir."),
    Setting("CHAT_HOST", "127.0.0.1", "Interface the server listens on."),
    Setting("CHAT_PORT", "8050", "Port the server listens on."),
    Setting("CHAT_DEMO", "0", "`1` seeds demo channels, users (password `demo`), CRM and 60 days of history."),
    Setting("CHAT_IDLE_MINUTES", "30", "An active chat with no message for this long is closed as idle."),
    Setting("CHAT_HEARTBEAT_SECONDS", "20", "WebSocket ping interval; a socket that misses a pong is closed."),
    Setting("CHAT_WEBSOCKET_COMPRESSION", "off", "`off`: decline the browser's permessage-deflate offer (chat frames "
            "are small; a compressor costs ~100 KB per open socket); `on`: accept it without context takeover."),
    Setting("CHAT_PRESENCE_GRACE_SECONDS", "60", "A Present agent with no socket open anywhere for this long "
            "(browser closed, server process died) is switched to Away."),
    Setting("CHAT_LOG_LEVEL", "INFO", "Python logging level."),
    Setting("CHAT_ETL_INTERVAL", "10", "Seconds between analytics loads on a background thread; `0` turns it off "
            "(then run `python -m analytics.etl --watch` as its own process)."),
    Setting("CHAT_DEMO_SITE_PORT", "8051", "Port of the demo company website with the widget, served beside the chat "
            "server in demo mode (another origin); `0` turns it off."),
    Setting("CHAT_VISITOR_MESSAGES_PER_SECOND", "2", "Messages one visitor socket may send per second on average "
            "(bursts of 10); more get `rate_limited`. `0` means no limit."),
    Setting("CHAT_UPLOAD_MAX_MB", "10", "Largest file a visitor or agent may attach, in megabytes."),
    Setting("CHAT_SMTP_URL", "", "Mail server for transcripts: `smtp://host:25`, "
            "`smtp+starttls://user:password@host:587` or `smtps://user:password@host:465`; empty: demo mode writes "
            "mails to `<data dir>/outbox/`, otherwise no e-mail."),
    Setting("CHAT_MAIL_FROM", "chat@localhost", "Sender address of transcript e-mails."),
)


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str
    redis_url: str
    secret_key: str
    host: str
    port: int
    demo: bool
    idle_minutes: int
    heartbeat_seconds: float
    websocket_compression: bool
    presence_grace_seconds: float
    log_level: str
    etl_interval: float
    demo_site_port: int
    visitor_messages_per_second: float
    upload_max_mb: float
    smtp_url: str
    mail_from: str

    @property
    def upload_max_bytes(self) -> int:
        return int(self.upload_max_mb * 1024 * 1024)

    @classmethod
    def load(cls, overrides: dict[str, Any] | None = None) -> Config:
        """Read CHAT_* variables, apply overrides (keys are field names), fill derived defaults."""
        raw = {s.env: os.environ.get(s.env, s.default) for s in SETTINGS}
        values: dict[str, Any] = {
            "data_dir": Path(raw["CHAT_DATA_DIR"]),
            "database_url": raw["CHAT_DATABASE_URL"],
            "redis_url": raw["CHAT_REDIS_URL"],
            "secret_key": raw["CHAT_SECRET_KEY"],
            "host": raw["CHAT_HOST"],
            "port": int(raw["CHAT_PORT"]),
            "demo": raw["CHAT_DEMO"].strip().lower() in ("1", "true", "yes", "on"),
            "idle_minutes": int(raw["CHAT_IDLE_MINUTES"]),
            "heartbeat_seconds": float(raw["CHAT_HEARTBEAT_SECONDS"]),
            "websocket_compression": _switch(raw["CHAT_WEBSOCKET_COMPRESSION"], "CHAT_WEBSOCKET_COMPRESSION"),
            "presence_grace_seconds": float(raw["CHAT_PRESENCE_GRACE_SECONDS"]),
            "log_level": raw["CHAT_LOG_LEVEL"],
            "etl_interval": float(raw["CHAT_ETL_INTERVAL"]),
            "demo_site_port": int(raw["CHAT_DEMO_SITE_PORT"]),
            "visitor_messages_per_second": float(raw["CHAT_VISITOR_MESSAGES_PER_SECOND"]),
            "upload_max_mb": float(raw["CHAT_UPLOAD_MAX_MB"]),
            "smtp_url": raw["CHAT_SMTP_URL"],
            "mail_from": raw["CHAT_MAIL_FROM"],
        }
        unknown = set(overrides or {}) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        values.update(overrides or {})
        data_dir = Path(values["data_dir"]).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        values["data_dir"] = data_dir
        if not values["database_url"]:
            values["database_url"] = f"sqlite:///{data_dir / 'chat.db'}"
        if not values["secret_key"]:
            values["secret_key"] = _stored_secret(data_dir / "secret_key")
        return cls(**values)


def _switch(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("on", "off"):
        raise ValueError(f"{name} is `on` or `off`, not {value!r}")
    return lowered == "on"


def _stored_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
