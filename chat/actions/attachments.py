"""Files in a chat: the visitor may send once the agent allowed upload; the agent may send any time.

A file is accepted by its extension (never by the type the browser claims), images must really be
images, and the size is limited. The bytes are written under `<data dir>/attachments/` before the
message that shows them is stored, so nobody is told about a file that is not there yet.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.actions.errors import ActionError, invalid_input, invalid_state
from chat.actions.feed import add_message
from chat.models import ACTIVE_STATUSES, Attachment, AuthorKind, ChatSession, Message, SessionStatus, User

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp"}
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
ALLOWED_TYPES = IMAGE_TYPES | DOCUMENT_TYPES
MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}


def safe_filename(filename: str) -> str:
    """The last path part, without control characters, at most 255 characters, extension kept."""
    name = PurePath(filename.replace("\\", "/")).name
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[:250 - len(ext)]}.{ext}" if dot and len(ext) <= 10 else name[:255]
    return name or "file"


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{max(size / 1024, 1):.3g} KB"


def check_file(filename: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """Returns the stored name and content type, or raises with a message for the sender."""
    if len(data) > max_bytes:
        raise ActionError("too_large", f"A file may be at most {human_size(max_bytes)}.")
    if not data:
        raise invalid_input("The file is empty.")
    name = safe_filename(filename)
    extension = PurePath(name).suffix.lower()
    content_type = ALLOWED_TYPES.get(extension)
    if content_type is None:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise invalid_input(f"Files of this type cannot be sent. Allowed: {allowed}.")
    signatures = MAGIC.get(content_type)
    if signatures and not data.startswith(signatures):
        raise invalid_input(f"The file {name} is not a valid {extension[1:].upper()} file.")
    if content_type == "image/webp" and data[8:12] != b"WEBP":
        raise invalid_input(f"The file {name} is not a valid WEBP file.")
    return name, content_type


@dataclass(frozen=True)
class FileStore:
    """Where files live and how big they may be (`<data dir>/attachments`, CHAT_UPLOAD_MAX_MB)."""

    root: Path
    max_bytes: int

    def path(self, storage_key: str) -> Path:
        return self.root / storage_key[:2] / storage_key


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def _store(db: Session, store: FileStore, chat: ChatSession, upload: Upload, *, author_kind: AuthorKind,
           author: User | None) -> tuple[Attachment, Message]:
    name, content_type = check_file(upload.filename, upload.data, store.max_bytes)
    key = secrets.token_hex(16)
    path = store.path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(upload.data)
    attachment = Attachment(session_id=chat.id, uploaded_by=author_kind, filename=name,
                            content_type=content_type, size=len(upload.data), storage_key=key)
    db.add(attachment)
    db.flush()
    message = add_message(db, chat, author_kind=author_kind, author=author, body=name, attachment_id=attachment.id)
    return attachment, message


def do_visitor_upload(db: Session, store: FileStore, chat: ChatSession, upload: Upload) -> tuple[Attachment, Message]:
    if chat.status not in ACTIVE_STATUSES:
        raise invalid_state("Files can be sent only in an ongoing chat.")
    if not chat.upload_allowed:
        raise ActionError("forbidden", "The agent has not allowed file upload in this chat.")
    stored = _store(db, store, chat, upload, author_kind=AuthorKind.VISITOR, author=None)
    chat.status = SessionStatus.CUSTOMER_LAST
    return stored


def do_agent_upload(db: Session, store: FileStore, chat: ChatSession, agent: User,
                    upload: Upload) -> tuple[Attachment, Message]:
    """`chat` fetched with Need.OWN by the caller."""
    if chat.status not in ACTIVE_STATUSES:
        raise invalid_state("Files can be sent only in an ongoing chat.")
    attachment, message = _store(db, store, chat, upload, author_kind=AuthorKind.AGENT, author=agent)
    chat.status = SessionStatus.AGENT_LAST
    if chat.first_response_at is None:
        chat.first_response_at = message.created_at
    return attachment, message


def session_attachments(db: Session, session_id: int) -> list[Attachment]:
    return list(db.scalars(select(Attachment).where(Attachment.session_id == session_id).order_by(Attachment.id)))
