"""What an agent inserts into the composer: reply templates, FAQ links and personal quick replies."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from chat.actions.errors import forbidden, not_found
from chat.models import FaqArticle, Favourite, QuickReply, ReplyTemplate, User

INSERT_KINDS = ("template", "faq", "quick_reply")


@dataclass(frozen=True)
class Insertable:
    kind: str
    id: int
    title: str
    body: str
    favourite: bool


class QuickReplyForm(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=255)
    body: str = Field(min_length=1, max_length=1024)


class _KeepUnknown(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_variables(body: str, *, visitor_name: str, agent_name: str, channel_name: str) -> str:
    """Replace {visitor_name}, {agent_name} and {channel_name}; other braces stay as written."""
    values = _KeepUnknown(visitor_name=visitor_name, agent_name=agent_name, channel_name=channel_name)
    try:
        return body.format_map(values)
    except (ValueError, IndexError):
        return body


def faq_link(article: FaqArticle) -> str:
    return f"{article.question} — /api/v1/faq/{article.id}"


def _favourites(db: Session, user_id: int, kind: str) -> set[int]:
    return set(db.scalars(select(Favourite.item_id).where(Favourite.user_id == user_id, Favourite.kind == kind)))


def list_insertables(db: Session, user: User, kind: str, search: str = "") -> list[Insertable]:
    """Favourites first, then alphabetical; `search` matches title and text."""
    pattern = f"%{search.lower()}%"
    starred = _favourites(db, user.id, kind)
    rows: list[tuple[int, str, str]]
    if kind == "template":
        rows = [(t.id, t.name, t.body) for t in db.scalars(select(ReplyTemplate).where(
            or_(func.lower(ReplyTemplate.name).like(pattern), func.lower(ReplyTemplate.body).like(pattern))))]
    elif kind == "faq":
        rows = [(a.id, a.question, faq_link(a)) for a in db.scalars(select(FaqArticle).where(
            FaqArticle.published.is_(True),
            or_(func.lower(FaqArticle.question).like(pattern), func.lower(FaqArticle.answer).like(pattern))))]
    else:
        rows = [(q.id, q.name, q.body) for q in db.scalars(select(QuickReply).where(
            QuickReply.user_id == user.id,
            or_(func.lower(QuickReply.name).like(pattern), func.lower(QuickReply.body).like(pattern))))]
    items = [Insertable(kind, item_id, title, body, item_id in starred) for item_id, title, body in rows]
    return sorted(items, key=lambda i: (not i.favourite, i.title.lower()))


def do_toggle_favourite(db: Session, user: User, kind: str, item_id: int) -> bool:
    """Returns whether the item is a favourite afterwards."""
    existing = db.scalars(select(Favourite).where(
        Favourite.user_id == user.id, Favourite.kind == kind, Favourite.item_id == item_id)).first()
    if existing is not None:
        db.delete(existing)
        return False
    db.add(Favourite(user_id=user.id, kind=kind, item_id=item_id))
    return True


def do_save_quick_reply(db: Session, user: User, form: QuickReplyForm, quick_reply_id: int | None = None) -> QuickReply:
    if quick_reply_id is None:
        reply = QuickReply(user_id=user.id, name=form.name, body=form.body)
        db.add(reply)
        db.flush()
        return reply
    reply_or_none = db.get(QuickReply, quick_reply_id)
    if reply_or_none is None:
        raise not_found(f"Quick reply {quick_reply_id}")
    if reply_or_none.user_id != user.id:
        raise forbidden("Quick replies are personal; this one is not yours.")
    reply_or_none.name, reply_or_none.body = form.name, form.body
    return reply_or_none


def do_delete_quick_reply(db: Session, user: User, quick_reply_id: int) -> None:
    reply = db.get(QuickReply, quick_reply_id)
    if reply is None or reply.user_id != user.id:
        raise not_found(f"Quick reply {quick_reply_id}")
    db.delete(reply)
