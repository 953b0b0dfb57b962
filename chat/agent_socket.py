"""The staff WebSocket frames (agents, supervisors, managers): thin, one access check and one action each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from chat.access import Need, access_session_for_agent, channel_ids_with, may_read, reads_as_listener
from chat.actions import assignment, transfers
from chat.actions.errors import ActionError, forbidden
from chat.actions.messages import do_mark_read, do_send_agent_message, do_whisper, publish_signal
from chat.actions.presence import do_set_presence
from chat.actions.requests import do_allow_upload
from chat.actions.sessions import do_end_session
from chat.actions.supervision import do_start_listening, do_stop_listening
from chat.connection import Connection, ack
from chat.models import AuthorKind, ChatSession, Presence, User
from chat.protocol import (
    AllowUpload,
    End,
    GetNext,
    Hello,
    Listen,
    PickUp,
    Ping,
    Read,
    Send,
    SetPresence,
    Subscribe,
    TakeOver,
    TransferAnswer,
    TransferRequest,
    Typing,
    Unsubscribe,
    Whisper,
    agent_frames,
)
from chat.replay import agent_snapshot

TRANSFER_ANSWERS = {
    "transfer_accept": (Need.READ, transfers.do_accept_transfer),
    "transfer_reject": (Need.READ, transfers.do_reject_transfer),
    "transfer_cancel": (Need.READ, transfers.do_cancel_transfer),
}


class AgentSocket:
    def __init__(self, connection: Connection, user_id: int) -> None:
        self.connection = connection
        self.services = connection.services
        self.user_id = user_id
        self.listening: dict[int, int] = {}  # session id -> audit entry id
        connection.on_close.append(self._stop_all_listening)
        connection.may_read = self._may_read

    @contextmanager
    def _write(self, session_id: int | None = None, need: Need = Need.OWN) -> Iterator[tuple[Session, User, Any]]:
        with self.services.db.write() as db:
            user = self._user(db)
            chat = None
            if session_id is not None:
                chat = access_session_for_agent(db, user, session_id, need, for_update=True)
            yield db, user, chat

    def _user(self, db: Session) -> User:
        user = db.get(User, self.user_id)
        if user is None or not user.is_active:
            raise forbidden("Your account is disabled.")
        return user

    def _read_access(self, session_id: int, need: Need = Need.READ) -> ChatSession:
        with self.services.db.read() as db:
            return access_session_for_agent(db, self._user(db), session_id, need)

    def dispatch(self, raw: str | bytes) -> dict[str, Any] | None:
        frame = agent_frames.validate_json(raw)
        handler: Callable[[Any], dict[str, Any] | None] = getattr(self, f"_on_{frame.type}")
        return ack(frame.id, handler(frame))

    def _on_ping(self, _frame: Ping) -> dict[str, Any]:
        return {"pong": True}

    def _on_hello(self, frame: Hello) -> None:
        with self.services.db.read() as db:
            self._user(db)
            self.connection.agent_channel_ids = set(channel_ids_with(db, self.user_id))
        self.connection.follow_agent_feed(frame.cursor, self._snapshot)

    def _on_subscribe(self, frame: Subscribe | Listen) -> None:
        with self._write(frame.session_id, Need.READ) as (db, user, chat):
            if frame.session_id not in self.listening and reads_as_listener(db, user, chat):
                self.listening[frame.session_id] = do_start_listening(db, chat, user)
        self.connection.subscribe(frame.session_id, frame.last_seq)

    _on_listen = _on_subscribe

    def _may_read(self, session_id: int) -> bool:
        with self.services.db.read() as db:
            return may_read(db, self.user_id, session_id)

    def _on_unsubscribe(self, frame: Unsubscribe) -> dict[str, Any]:
        self.connection.unsubscribe(frame.session_id)
        self._stop_listening(frame.session_id)
        return {}

    def _on_send(self, frame: Send) -> dict[str, Any]:
        with self._write(frame.session_id) as (db, user, chat):
            message = do_send_agent_message(db, chat, user, frame.text, frame.id)
            return {"session_id": chat.id, "seq": message.seq, "message_id": message.id}

    def _on_whisper(self, frame: Whisper) -> dict[str, Any]:
        with self._write(frame.session_id, Need.READ) as (db, user, chat):
            if chat.agent_id == user.id:
                raise ActionError("invalid_state", "You handle this chat; write to the visitor instead.")
            message = do_whisper(db, chat, user, frame.text, frame.id)
            return {"session_id": chat.id, "seq": message.seq, "message_id": message.id}

    def _on_typing(self, frame: Typing) -> None:
        chat = self._read_access(frame.session_id, Need.OWN)
        data = {"side": "agent", "active": frame.active}
        publish_signal(self.services.bus, chat, "typing", data, staff_only=False)

    def _on_read(self, frame: Read) -> dict[str, Any]:
        with self._write(frame.session_id) as (db, _user, chat):
            return {"marked": do_mark_read(db, chat, AuthorKind.AGENT, frame.up_to_seq)}

    def _on_end(self, frame: End) -> dict[str, Any]:
        with self._write(frame.session_id) as (db, _user, chat):
            do_end_session(db, chat, "agent")
            return {"status": chat.status.value}

    def _on_pick_up(self, frame: PickUp) -> dict[str, Any]:
        with self._write(frame.session_id, Need.RESPOND) as (db, user, chat):
            assignment.do_pick_up(db, user, chat)
            return {"session_id": chat.id}

    def _on_get_next(self, _frame: GetNext) -> dict[str, Any]:
        with self._write() as (db, user, _chat):
            return {"session_id": assignment.do_get_next(db, user).id}

    def _on_transfer(self, frame: TransferRequest) -> dict[str, Any]:
        with self._write() as (db, user, _chat):
            chat = self._own_or_managed(db, user, frame.session_id)
            return {"transfer_id": transfers.do_request_transfer(db, chat, user, frame.to_user_id).id}

    def _on_transfer_answer(self, frame: TransferAnswer) -> dict[str, Any]:
        need, action = TRANSFER_ANSWERS[frame.type]
        with self._write(frame.session_id, need) as (db, user, chat):
            return {"transfer_id": action(db, chat, user).id}

    _on_transfer_accept = _on_transfer_reject = _on_transfer_cancel = _on_transfer_answer

    def _on_presence(self, frame: SetPresence) -> dict[str, Any]:
        with self._write() as (db, user, _chat):
            do_set_presence(db, user, Presence(frame.presence))
            return {"presence": frame.presence}

    def _on_allow_upload(self, frame: AllowUpload) -> dict[str, Any]:
        with self._write(frame.session_id) as (db, _user, chat):
            do_allow_upload(db, chat)
            return {}

    def _on_take_over(self, frame: TakeOver) -> dict[str, Any]:
        with self._write(frame.session_id, Need.MANAGER) as (db, user, chat):
            transfers.do_take_over(db, chat, user)
            return {"session_id": chat.id}

    @staticmethod
    def _own_or_managed(db: Session, user: User, session_id: int) -> ChatSession:
        try:
            return access_session_for_agent(db, user, session_id, Need.OWN, for_update=True)
        except ActionError:
            return access_session_for_agent(db, user, session_id, Need.MANAGER, for_update=True)

    def _snapshot(self, db: Session) -> dict[str, Any]:
        return agent_snapshot(db, self._user(db))

    def _stop_listening(self, session_id: int) -> None:
        entry_id = self.listening.pop(session_id, None)
        if entry_id is not None:
            with self.services.db.write() as db:
                do_stop_listening(db, entry_id)

    def _stop_all_listening(self) -> None:
        for session_id in list(self.listening):
            self._stop_listening(session_id)
