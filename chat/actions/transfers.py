"""Transfer with acceptance: request, accept, reject, cancel; and a manager's take over."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.access import membership
from chat.actions.errors import forbidden, invalid_input, invalid_state, not_found
from chat.actions.feed import add_message, append_agent_event, append_session_event, give_to_agent, session_summary
from chat.models import (
    ACTIVE_STATUSES,
    AuditEntry,
    AuthorKind,
    ChatSession,
    Presence,
    Transfer,
    TransferState,
    User,
    utcnow,
)


def pending_transfer(db: Session, chat: ChatSession) -> Transfer | None:
    return db.scalars(
        select(Transfer).where(Transfer.session_id == chat.id, Transfer.state == TransferState.REQUESTED)
    ).first()


def _announce(db: Session, chat: ChatSession, transfer: Transfer, kind: str) -> None:
    data = {
        "transfer_id": transfer.id,
        "from_user_id": transfer.from_user_id,
        "to_user_id": transfer.to_user_id,
        "state": transfer.state.value,
    }
    append_session_event(db, chat, kind, data, staff_only=True)
    summary = session_summary(chat) | {"transfer": data}
    for user_id in {transfer.from_user_id, transfer.to_user_id}:
        append_agent_event(db, kind, summary, user_id=user_id)


def do_request_transfer(db: Session, chat: ChatSession, sender: User, receiver_id: int) -> Transfer:
    if chat.status not in ACTIVE_STATUSES:
        raise invalid_state("Only an ongoing chat can be transferred.")
    if pending_transfer(db, chat) is not None:
        raise invalid_state("A transfer of this chat is already waiting for an answer.")
    receiver = db.get(User, receiver_id)
    if receiver is None or receiver_id == sender.id:
        raise invalid_input("Choose another agent to transfer to.")
    rights = membership(db, receiver_id, chat.channel_id)
    if not (receiver.is_active and receiver.presence is Presence.PRESENT and rights and rights.can_respond):
        raise invalid_input(f"{receiver.display_name} is not Present with Can respond in this channel.")
    transfer = Transfer(session_id=chat.id, from_user_id=sender.id, to_user_id=receiver_id)
    db.add(transfer)
    db.flush()
    _announce(db, chat, transfer, "transfer_requested")
    return transfer


def _resolve(db: Session, chat: ChatSession, actor: User, *, as_receiver: bool, state: TransferState) -> Transfer:
    transfer = pending_transfer(db, chat)
    if transfer is None:
        raise not_found("A pending transfer")
    expected = transfer.to_user_id if as_receiver else transfer.from_user_id
    if actor.id != expected:
        raise forbidden("This transfer is not yours to answer.")
    transfer.state = state
    transfer.resolved_at = utcnow()
    return transfer


def do_accept_transfer(db: Session, chat: ChatSession, receiver: User) -> Transfer:
    if chat.status not in ACTIVE_STATUSES:
        raise invalid_state("The chat has ended; there is nothing to take over.")
    transfer = _resolve(db, chat, receiver, as_receiver=True, state=TransferState.ACCEPTED)
    give_to_agent(db, chat, receiver)
    add_message(db, chat, author_kind=AuthorKind.SYSTEM, body=receiver.name_for_visitors, system_event="transferred")
    append_session_event(db, chat, "assigned", {
        "agent_id": receiver.id, "agent_name": receiver.name_for_visitors, "agent_photo": receiver.photo_url,
    })
    _announce(db, chat, transfer, "transfer_accepted")
    append_agent_event(db, "session_assigned", session_summary(chat), channel_id=chat.channel_id)
    return transfer


def do_reject_transfer(db: Session, chat: ChatSession, receiver: User) -> Transfer:
    transfer = _resolve(db, chat, receiver, as_receiver=True, state=TransferState.REJECTED)
    add_message(
        db, chat, author_kind=AuthorKind.SYSTEM, body=receiver.display_name,
        system_event="transfer_rejected", staff_only=True,
    )
    _announce(db, chat, transfer, "transfer_rejected")
    return transfer


def do_cancel_transfer(db: Session, chat: ChatSession, sender: User) -> Transfer:
    transfer = _resolve(db, chat, sender, as_receiver=False, state=TransferState.CANCELLED)
    _announce(db, chat, transfer, "transfer_cancelled")
    return transfer


def cancel_pending_transfer(db: Session, chat: ChatSession) -> None:
    """A chat that ends or changes hands withdraws the transfer offer that waited on it."""
    pending = pending_transfer(db, chat)
    if pending is not None:
        pending.state = TransferState.CANCELLED
        pending.resolved_at = utcnow()
        _announce(db, chat, pending, "transfer_cancelled")


def do_take_over(db: Session, chat: ChatSession, manager: User) -> None:
    """`chat` locked and the Manager right checked by the caller; the former agent drops to listening."""
    if chat.status not in ACTIVE_STATUSES:
        raise invalid_state("Only an ongoing chat can be taken over.")
    if chat.agent_id == manager.id:
        raise invalid_state("You already handle this chat.")
    previous = chat.agent_id
    cancel_pending_transfer(db, chat)
    give_to_agent(db, chat, manager)
    add_message(db, chat, author_kind=AuthorKind.SYSTEM, body=manager.name_for_visitors, system_event="taken_over")
    append_session_event(db, chat, "assigned", {
        "agent_id": manager.id, "agent_name": manager.name_for_visitors, "agent_photo": manager.photo_url,
        "previous_agent_id": previous,
    })
    db.add(AuditEntry(actor_user_id=manager.id, action="take_over", session_id=chat.id,
                      channel_id=chat.channel_id, details={"previous_agent_id": previous}))
    append_agent_event(db, "session_assigned", session_summary(chat), channel_id=chat.channel_id)
