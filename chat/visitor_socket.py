"""The visitor's WebSocket frames: each one parsed, access-checked and handed to one action."""

from __future__ import annotations

from typing import Any

from chat.access import access_session_for_visitor
from chat.actions.messages import do_mark_read, do_send_visitor_message, publish_signal
from chat.actions.sessions import do_end_session, do_rate
from chat.connection import Connection
from chat.models import AuthorKind
from chat.protocol import (
    Draft,
    End,
    Ping,
    Rate,
    Read,
    Send,
    Subscribe,
    Typing,
    Unsubscribe,
    visitor_frames,
)


class VisitorSocket:
    def __init__(self, connection: Connection, visitor_id: int) -> None:
        self.connection = connection
        self.services = connection.services
        self.visitor_id = visitor_id

    def dispatch(self, raw: str | bytes) -> dict[str, Any] | None:
        frame = visitor_frames.validate_json(raw)
        db_ = self.services.db
        match frame:
            case Ping():
                return {"pong": True}
            case Subscribe(session_id=session_id, last_seq=last_seq):
                with db_.read() as db:
                    access_session_for_visitor(db, self.visitor_id, session_id)
                self.connection.subscribe(session_id, last_seq)
                return None
            case Unsubscribe(session_id=session_id):
                self.connection.unsubscribe(session_id)
                return {}
            case Send(id=client_id, session_id=session_id, text=text):
                with db_.write() as db:
                    chat = access_session_for_visitor(db, self.visitor_id, session_id, for_update=True)
                    message = do_send_visitor_message(db, chat, text, client_id)
                    return {"session_id": session_id, "seq": message.seq, "message_id": message.id}
            case Typing(session_id=session_id, active=active):
                with db_.read() as db:
                    chat = access_session_for_visitor(db, self.visitor_id, session_id)
                publish_signal(self.services.bus, chat, "typing", {"side": "visitor", "active": active},
                               staff_only=False)
                return None
            case Draft(session_id=session_id, text=text):
                with db_.read() as db:
                    chat = access_session_for_visitor(db, self.visitor_id, session_id)
                publish_signal(self.services.bus, chat, "draft", {"text": text}, staff_only=True)
                return None
            case Read(session_id=session_id, up_to_seq=up_to_seq):
                with db_.write() as db:
                    chat = access_session_for_visitor(db, self.visitor_id, session_id, for_update=True)
                    return {"marked": do_mark_read(db, chat, AuthorKind.VISITOR, up_to_seq)}
            case End(session_id=session_id):
                with db_.write() as db:
                    chat = access_session_for_visitor(db, self.visitor_id, session_id, for_update=True)
                    do_end_session(db, chat, "visitor")
                    return {"status": chat.status.value}
            case Rate(session_id=session_id, rating=rating, comment=comment):
                with db_.write() as db:
                    chat = access_session_for_visitor(db, self.visitor_id, session_id, for_update=True)
                    do_rate(db, chat, rating, comment)
                    return {}
        raise AssertionError(f"unhandled frame {frame!r}")
