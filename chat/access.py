"""The only permission-checked fetches. Every edge goes through one of these before an action."""

from __future__ import annotations

import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.actions.errors import ActionError, forbidden, not_found
from chat.models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    AuthorKind,
    ChatSession,
    Membership,
    Message,
    SessionStatus,
    Transfer,
    TransferState,
    User,
)
from chat.protocol import MAX_ID


class Need(enum.StrEnum):
    READ = "read"  # see the conversation (own, listening, queue preview, pending transfer)
    OWN = "own"  # act as the chat's agent: write, end, transfer
    RESPOND = "respond"  # pick the chat up from the queue
    MANAGER = "manager"  # take over, transfer any chat
    HISTORY = "history"  # read a finished chat of the channel (earlier chats of a contact)


def access_session_for_visitor(
    db: Session, visitor_id: int, session_id: int, *, for_update: bool = False
) -> ChatSession:
    if not 0 < session_id <= MAX_ID:
        raise not_found(f"Chat {session_id}")
    query = select(ChatSession).where(ChatSession.id == session_id)
    chat = db.scalars(query.with_for_update() if for_update else query).first()
    if chat is None or chat.visitor_id != visitor_id:
        raise not_found(f"Chat {session_id}")
    return chat


def membership(db: Session, user_id: int, channel_id: int) -> Membership | None:
    return db.scalars(
        select(Membership).where(Membership.user_id == user_id, Membership.channel_id == channel_id)
    ).first()


def _was_involved(db: Session, user_id: int, chat: ChatSession) -> bool:
    """A former agent (transferred, taken over) and a pending transfer's receiver may read along."""
    transfer = db.scalars(
        select(Transfer.id).where(
            Transfer.session_id == chat.id,
            (Transfer.from_user_id == user_id)
            | ((Transfer.to_user_id == user_id) & (Transfer.state == TransferState.REQUESTED)),
        )
    ).first()
    if transfer is not None:
        return True
    wrote = db.scalars(
        select(Message.id).where(
            Message.session_id == chat.id, Message.author_user_id == user_id, Message.author_kind == AuthorKind.AGENT
        )
    ).first()
    return wrote is not None


def _may_read(db: Session, user: User, chat: ChatSession, rights: Membership | None) -> bool:
    if chat.agent_id == user.id or _was_involved(db, user.id, chat):
        return True
    if rights is not None and (rights.can_listen or rights.is_manager):
        return True
    return rights is not None and rights.can_respond and chat.status is SessionStatus.IN_QUEUE


def access_session_for_agent(
    db: Session, user: User, session_id: int, need: Need, *, for_update: bool = False
) -> ChatSession:
    if not user.is_active:
        raise forbidden("Your account is disabled.")
    if not 0 < session_id <= MAX_ID:
        raise not_found(f"Chat {session_id}")
    query = select(ChatSession).where(ChatSession.id == session_id)
    chat = db.scalars(query.with_for_update() if for_update else query).first()
    if chat is None:
        raise not_found(f"Chat {session_id}")
    rights = membership(db, user.id, chat.channel_id)
    if need is Need.OWN:
        if chat.agent_id != user.id:
            raise forbidden("Only the agent handling this chat can do that.")
        return chat
    if need is Need.RESPOND:
        if rights is None or not rights.can_respond:
            raise forbidden("You do not have the right to respond in this channel.")
        return chat
    if need is Need.HISTORY and rights is not None and chat.status not in OPEN_STATUSES:
        return chat
    if need is Need.MANAGER:
        if rights is None or not rights.is_manager:
            raise forbidden("You need the Manager right in this channel.")
        return chat
    if _may_read(db, user, chat, rights):
        return chat
    raise ActionError("forbidden", "You do not have the right to read or listen in on this chat.")


def reads_as_listener(db: Session, user: User, chat: ChatSession) -> bool:
    """Reading an ongoing chat that is neither yours nor handed to or from you is listening in (audited)."""
    return chat.status in ACTIVE_STATUSES and chat.agent_id != user.id and not _was_involved(db, user.id, chat)


def may_read(db: Session, user_id: int, session_id: int) -> bool:
    user = db.get(User, user_id)
    if user is None:
        return False
    try:
        access_session_for_agent(db, user, session_id, Need.READ)
    except ActionError:
        return False
    return True


def channel_ids_with(db: Session, user_id: int, *, can_respond: bool = False) -> list[int]:
    query = select(Membership.channel_id).where(Membership.user_id == user_id)
    if can_respond:
        query = query.where(Membership.can_respond.is_(True))
    return list(db.scalars(query))
