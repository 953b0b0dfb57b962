"""The closed schema of every frame a client may send (docs/protocol.md documents each one)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

MAX_FRAME_BYTES = 16 * 1024

NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold the NUL character
ClientId = Annotated[str, Field(min_length=1, max_length=64, pattern=NO_NUL)]
MAX_ID = 2**31 - 1  # ids and sequence numbers are 32-bit integer columns
SessionId = Annotated[int, Field(ge=1, le=MAX_ID)]
Seq = Annotated[int, Field(ge=0, le=MAX_ID)]
Text = Annotated[str, Field(max_length=1024, pattern=NO_NUL)]


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: ClientId | None = None


class Ping(Frame):
    type: Literal["ping"]


class Subscribe(Frame):
    """Resume one chat: the server replays every event after `last_seq`, then streams live."""

    type: Literal["subscribe"]
    session_id: SessionId
    last_seq: Seq = 0


class Unsubscribe(Frame):
    type: Literal["unsubscribe"]
    session_id: SessionId


class Send(Frame):
    """`id` is required: it is the client message id that makes a retried send idempotent."""

    type: Literal["send"]
    id: ClientId
    session_id: SessionId
    text: Text


class Typing(Frame):
    type: Literal["typing"]
    session_id: SessionId
    active: bool


class Draft(Frame):
    type: Literal["draft"]
    session_id: SessionId
    text: Text


class Read(Frame):
    type: Literal["read"]
    session_id: SessionId
    up_to_seq: Seq


class End(Frame):
    type: Literal["end"]
    session_id: SessionId


class Rate(Frame):
    type: Literal["rate"]
    session_id: SessionId
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Text = ""


class Hello(Frame):
    """Agents: resume the agent feed after `cursor`, or get a fresh snapshot when it is null."""

    type: Literal["hello"]
    cursor: Seq | None = None


class PickUp(Frame):
    type: Literal["pick_up"]
    session_id: SessionId


class GetNext(Frame):
    type: Literal["get_next"]


class TransferRequest(Frame):
    type: Literal["transfer"]
    session_id: SessionId
    to_user_id: SessionId


class TransferAnswer(Frame):
    type: Literal["transfer_accept", "transfer_reject", "transfer_cancel"]
    session_id: SessionId


class SetPresence(Frame):
    type: Literal["presence"]
    presence: Literal["present", "away"]


class AllowUpload(Frame):
    type: Literal["allow_upload"]
    session_id: SessionId


class Listen(Frame):
    """Supervisors: subscribe read-only, recorded in the audit log."""

    type: Literal["listen"]
    session_id: SessionId
    last_seq: Seq = 0


class Whisper(Frame):
    type: Literal["whisper"]
    id: ClientId
    session_id: SessionId
    text: Text


class TakeOver(Frame):
    type: Literal["take_over"]
    session_id: SessionId


VisitorFrame = Annotated[
    Ping | Subscribe | Unsubscribe | Send | Typing | Draft | Read | End | Rate,
    Field(discriminator="type"),
]
AgentFrame = Annotated[
    Ping | Hello | Subscribe | Unsubscribe | Send | Typing | Read | End | PickUp | GetNext
    | TransferRequest | TransferAnswer | SetPresence | AllowUpload | Listen | Whisper | TakeOver,
    Field(discriminator="type"),
]

visitor_frames: TypeAdapter[VisitorFrame] = TypeAdapter(VisitorFrame)
agent_frames: TypeAdapter[AgentFrame] = TypeAdapter(AgentFrame)
