"""Property-based fuzzing of incoming WebSocket frames against a real server process.

Every generated frame must be refused: the server answers with exactly one structured error frame
(`{"type": "error", "code", "message", "id"}`) whose code is documented, the connection stays open
(a following ping is acknowledged), and nothing stored changes. Frames that could legitimately
succeed or stay silent (a valid ping, hello, presence, unsubscribe, or any valid frame about the
fuzzing visitor's own chat) are discarded, never sent.

One visitor socket and one agent socket are reused across examples. A socket that closes because of a
frame fails that example (the pong never comes); the next example, e.g. while Hypothesis shrinks,
then reopens it so the search can go on. Each example checks its own socket, so a reopen never hides
a failure.
"""

from __future__ import annotations

import itertools
import json
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import text

from chat.db import Database
from chat.protocol import (
    MAX_FRAME_BYTES,
    GetNext,
    Hello,
    PickUp,
    Ping,
    SetPresence,
    Unsubscribe,
    agent_frames,
    visitor_frames,
)
from tests.factories import PASSWORD, make_channel, make_user
from tests.integration.conftest import Deployment
from tests.wsclient import Frame, WsClient, login_cookie, start_visitor_session

Role = Literal["visitor", "agent"]
Raw = str | bytes

DOCUMENTED_CODES = frozenset({
    "invalid_frame", "too_large", "not_found", "forbidden", "invalid_state", "invalid_input", "queue_empty",
    "unauthorized",
})
MAX_WIRE_BYTES = 1024 * 1024  # the server's max_message_size: beyond it the socket is closed, by design
MAX_ID_LENGTH = 64
ADAPTERS: dict[Role, TypeAdapter[Any]] = {"visitor": visitor_frames, "agent": agent_frames}

VISITOR_TYPES = ("ping", "subscribe", "unsubscribe", "send", "typing", "draft", "read", "end", "rate")
AGENT_TYPES = (
    "ping", "hello", "subscribe", "unsubscribe", "send", "typing", "read", "end", "pick_up", "get_next",
    "transfer", "transfer_accept", "transfer_reject", "transfer_cancel", "presence", "allow_upload", "listen",
    "whisper", "take_over",
)
ALL_TYPES = tuple(dict.fromkeys((*VISITOR_TYPES, *AGENT_TYPES, "draft")))

FUZZ = settings(
    max_examples=80,
    deadline=None,
    database=None,  # nothing written into the work tree; a failure prints its falsifying example
)

_ping_ids = itertools.count(1)


# --- the arranged world ---------------------------------------------------------------------------
@dataclass
class Peer:
    """A socket that is reopened when found closed before an example."""

    connect: Callable[[], WsClient]
    _client: WsClient | None = None
    reconnects: int = 0

    def client(self) -> WsClient:
        if self._client is None or self._client.closed:
            if self._client is not None:
                self.reconnects += 1
            self._client = self.connect()
        return self._client

    def close(self) -> None:
        if self._client is not None and not self._client.closed:
            self._client.close()


@dataclass
class FuzzWorld:
    database: Database
    own_session_id: int
    session_ids: frozenset[int]
    sessions_in_foreign_channel: frozenset[int]
    peers: dict[Role, Peer] = field(default_factory=dict)


@pytest.fixture(scope="module")
def fuzz_world(server: Deployment, arrange: Database) -> Iterator[FuzzWorld]:
    """Channel C: `owner` answers every chat, `fuzzer` (the fuzzing agent) may respond but owns nothing
    and C's queue is empty. Channel D, where the fuzzer has no rights, has one queued chat."""
    with arrange.write() as db:
        channel = make_channel(db, welcome_message="Welcome!")
        other_channel = make_channel(db, name="Sales")
        owner = make_user(db, channels=(channel,))
        fuzzer = make_user(db, channels=(channel,))
        make_user(db, channels=(other_channel,))
        owner_name, fuzzer_name, channel_id, other_channel_id = (
            owner.username, fuzzer.username, channel.id, other_channel.id)

    mine = start_visitor_session(server.url, channel_id, name="Fuzz", question="Hello?")
    other = start_visitor_session(server.url, channel_id, name="Other", question="Where is my parcel?")
    ended = start_visitor_session(server.url, channel_id, token=other["token"], question="Second question")
    queued = start_visitor_session(server.url, other_channel_id, question="Anyone in sales?")

    owner_socket = WsClient(f"{server.ws_url}/ws/agent", cookie=login_cookie(server.url, owner_name, PASSWORD))
    for started in (mine, other, ended):
        session_id = started["session"]["session_id"]
        assert owner_socket.request({"type": "pick_up", "session_id": session_id})["type"] == "ack"
        assert owner_socket.request({"type": "send", "session_id": session_id, "text": "Hi there"})["type"] == "ack"
    assert owner_socket.request({"type": "end", "session_id": ended["session"]["session_id"]})["type"] == "ack"
    owner_socket.close()

    with arrange.read() as db:
        session_ids = frozenset(int(i) for i in db.scalars(text("SELECT id FROM chat_sessions")))
        queued_in_c = db.scalar(text(f"SELECT count(*) FROM chat_sessions WHERE channel_id = {channel_id} "
                                     "AND status = 'in_queue'"))
    assert queued_in_c == 0
    world = FuzzWorld(
        database=arrange,
        own_session_id=mine["session"]["session_id"],
        session_ids=session_ids,
        sessions_in_foreign_channel=frozenset({queued["session"]["session_id"]}),
    )
    agent_cookie = login_cookie(server.url, fuzzer_name, PASSWORD)
    world.peers["visitor"] = Peer(lambda: WsClient(f"{server.ws_url}/ws/visitor?token={mine['token']}"))
    world.peers["agent"] = Peer(lambda: WsClient(f"{server.ws_url}/ws/agent", cookie=agent_cookie))
    yield world
    for peer in world.peers.values():
        peer.close()


# --- the oracle -----------------------------------------------------------------------------------
def _error_for(frame_id: str) -> Callable[[dict[str, Any]], bool]:
    def refuses(frame: dict[str, Any]) -> bool:
        return frame.get("type") == "error" and frame.get("id") == frame_id
    return refuses


def wire_size(raw: Raw) -> int:
    return len(raw.encode() if isinstance(raw, str) else raw)


def expected_id(raw: Raw) -> str | None:
    """A frame that is a JSON object with a string `id` gets that id (at most 64 characters) echoed."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    frame_id = value.get("id") if isinstance(value, dict) else None
    return frame_id[:MAX_ID_LENGTH] if isinstance(frame_id, str) else None


def refusal_for_valid(frame: Any, role: Role, world: FuzzWorld) -> str | None:
    """The error code a schema-valid frame must get, or None when it may succeed or stay silent."""
    if isinstance(frame, Ping | Unsubscribe | Hello | SetPresence):
        return None
    if isinstance(frame, GetNext):
        return "queue_empty"  # the fuzzer's only channel has an empty queue
    session_id: int = frame.session_id
    if role == "visitor":
        return None if session_id == world.own_session_id else "not_found"
    if session_id not in world.session_ids:
        return "not_found"
    if isinstance(frame, PickUp) and session_id not in world.sessions_in_foreign_channel:
        return "invalid_state"  # may respond in that channel, but the chat is not waiting
    return "forbidden"


def expected_error(raw: Raw, role: Role, world: FuzzWorld) -> str | None:
    size = wire_size(raw)
    assume(size < MAX_WIRE_BYTES)
    # A frame over the limit in UTF-8 bytes but not in characters is tested deterministically below
    # (test_frame_limit_counts_utf8_bytes_not_characters); keep it out of the properties.
    assume(size <= MAX_FRAME_BYTES or len(raw) > MAX_FRAME_BYTES)
    if size > MAX_FRAME_BYTES:
        return "too_large"
    try:
        frame = ADAPTERS[role].validate_json(raw)
    except ValidationError:
        return "invalid_frame"
    return refusal_for_valid(frame, role, world)


# --- state snapshot -------------------------------------------------------------------------------
COUNTED_TABLES = (
    "chat_sessions", "messages", "session_events", "agent_events", "transfers", "audit_log", "visitors",
    "attachments", "crm_requests", "activities",
)


COUNTS_QUERY = text("SELECT " + ", ".join(f"(SELECT count(*) FROM {t}), (SELECT max(id) FROM {t})"
                                          for t in COUNTED_TABLES))


def snapshot(database: Database) -> dict[str, Any]:
    with database.read() as db:
        counts = tuple(db.execute(COUNTS_QUERY).one())
        state: dict[str, Any] = {
            table: counts[2 * i: 2 * i + 2] for i, table in enumerate(COUNTED_TABLES)
        }
        state["sessions"] = [tuple(row) for row in db.execute(text(
            "SELECT id, status, last_seq, agent_id, rating, rating_comment, upload_allowed, ended_at, ended_by "
            "FROM chat_sessions ORDER BY id"))]
        state["users"] = [tuple(row) for row in db.execute(text(
            "SELECT id, presence, is_active FROM users ORDER BY id"))]
        state["read_marks"], state["open_audit"] = db.execute(text(
            "SELECT (SELECT count(*) FROM messages WHERE read_at IS NOT NULL), "
            "(SELECT count(*) FROM audit_log WHERE ended_at IS NULL)")).one()
    return state


# --- the property ---------------------------------------------------------------------------------
def assert_refused(world: FuzzWorld, role: Role, raw: Raw) -> None:
    code = expected_error(raw, role, world)
    assume(code is not None)
    event(f"{role} expects {code}")
    client = world.peers[role].client()
    before = snapshot(world.database)
    mark = len(client.frames)
    if isinstance(raw, bytes):
        client.ws.send_binary(raw)
    else:
        client.send_raw(raw)
    ping_id = f"fuzz-ping-{next(_ping_ids)}"
    try:
        client.send({"type": "ping", "id": ping_id})
        client.wait_for(lambda f: f.get("type") == "ack" and f.get("id") == ping_id)
    except (TimeoutError, OSError) as failure:
        pytest.fail(f"the {role} socket closed or stalled after the frame ({failure}); "
                    f"replies: {client.frames[mark:]}")
    replies: list[Frame] = client.frames[mark:]
    assert len(replies) == 2, f"expected exactly one error then the pong, got {replies}"
    error, pong = replies
    assert pong == {"type": "ack", "id": ping_id, "pong": True}
    assert set(error) == {"type", "code", "message", "id"}, error
    assert error["type"] == "error"
    assert error["code"] != "internal", error
    assert error["code"] in DOCUMENTED_CODES, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert error["id"] == expected_id(raw), error
    assert not client.closed
    assert snapshot(world.database) == before, "a refused frame changed the stored state"


# --- strategies -----------------------------------------------------------------------------------
roles: st.SearchStrategy[Role] = st.sampled_from(("visitor", "agent"))

short_text = st.text(max_size=40)
huge_ints = st.integers(min_value=-(2**200), max_value=2**200)
json_scalars = (
    st.none() | st.booleans() | st.integers() | huge_ints | st.sampled_from([0, -1, 2**53, 2**53 + 1, 2**63, -(2**63)])
    | st.floats(allow_nan=True, allow_infinity=True) | short_text
)
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(short_text, children, max_size=4),
    max_leaves=12,
)

# Values that have the right JSON type. The arranged chats are 1..4: a session id is often one of them,
# otherwise a chat that does not exist (the oracle classifies it against the real table).
session_ids = st.integers(min_value=1, max_value=6) | st.integers(min_value=1, max_value=2**53)
seqs = st.integers(min_value=0, max_value=2**53)
client_ids = st.text(min_size=1, max_size=MAX_ID_LENGTH)
message_texts = st.text(max_size=60)

FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "id": client_ids,
    "session_id": session_ids,
    "last_seq": seqs,
    "up_to_seq": seqs,
    "text": message_texts,
    "comment": message_texts,
    "active": st.booleans(),
    "rating": st.integers(min_value=1, max_value=5),
    "cursor": st.none() | seqs,
    "to_user_id": st.integers(min_value=1, max_value=2**53),
    "presence": st.sampled_from(["present", "away"]),
}
# type -> (required fields, optional fields), from chat/protocol.py
SHAPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ping": ((), ("id",)),
    "subscribe": (("session_id",), ("id", "last_seq")),
    "unsubscribe": (("session_id",), ("id",)),
    "send": (("id", "session_id", "text"), ()),
    "typing": (("session_id", "active"), ("id",)),
    "draft": (("session_id", "text"), ("id",)),
    "read": (("session_id", "up_to_seq"), ("id",)),
    "end": (("session_id",), ("id",)),
    "rate": (("session_id", "rating"), ("id", "comment")),
    "hello": ((), ("id", "cursor")),
    "pick_up": (("session_id",), ("id",)),
    "get_next": ((), ("id",)),
    "transfer": (("session_id", "to_user_id"), ("id",)),
    "transfer_accept": (("session_id",), ("id",)),
    "transfer_reject": (("session_id",), ("id",)),
    "transfer_cancel": (("session_id",), ("id",)),
    "presence": (("presence",), ("id",)),
    "allow_upload": (("session_id",), ("id",)),
    "listen": (("session_id",), ("id", "last_seq")),
    "whisper": (("id", "session_id", "text"), ()),
    "take_over": (("session_id",), ("id",)),
}
WRONG_VALUES: dict[str, st.SearchStrategy[Any]] = {
    # Plausible mistakes per field type, on top of arbitrary JSON values.
    "int": st.sampled_from([0, -1, 2**53 + 1, 10**30, 1.0, 1.5, "1", True, None, [1], {"v": 1}]),
    "str": st.sampled_from(["", "x" * (MAX_ID_LENGTH + 1), 1, 1.5, True, None, ["a"], {"a": "b"}]),
    "bool": st.sampled_from([0, 1, "true", None, [], {}]),
}
FIELD_KIND = {
    "id": "str", "text": "str", "comment": "str", "presence": "str", "active": "bool",
    "session_id": "int", "last_seq": "int", "up_to_seq": "int", "rating": "int", "cursor": "int",
    "to_user_id": "int",
}


@st.composite
def well_formed(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    required, optional = SHAPES[kind]
    frame: dict[str, Any] = {"type": kind}
    for name in required:
        frame[name] = draw(FIELD_VALUES[name])
    for name in optional:
        if draw(st.booleans()):
            frame[name] = draw(FIELD_VALUES[name])
    return frame


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """A real frame shape with one (or more) mistakes."""
    frame = draw(st.sampled_from(sorted(SHAPES)).flatmap(well_formed))
    required, optional = SHAPES[frame["type"]]
    mutation = draw(st.sampled_from(["wrong_type", "missing", "extra", "long_text", "bad_type", "scramble"]))
    fields = [name for name in (*required, *optional) if name in frame]
    if mutation == "wrong_type" and fields:
        name = draw(st.sampled_from(fields))
        frame[name] = draw(WRONG_VALUES[FIELD_KIND[name]] | json_values)
    elif mutation == "missing" and required:
        del frame[draw(st.sampled_from(required))]
    elif mutation == "long_text" and {"text", "comment"} & set(frame):
        name = draw(st.sampled_from(sorted({"text", "comment"} & set(frame))))
        frame[name] = draw(st.sampled_from("xé😀 ")) * draw(st.integers(min_value=1025, max_value=3000))
    elif mutation == "bad_type":
        frame["type"] = draw(st.sampled_from([frame["type"].upper(), f" {frame['type']}", f"{frame['type']}\x00",
                                              None, 1, ["ping"]]) | short_text)
    elif mutation == "scramble":
        frame = {key: draw(json_values) if draw(st.booleans()) else value for key, value in frame.items()}
    else:
        key = draw(short_text.filter(lambda k: k not in frame) | st.sampled_from(["extra", "ID", "sessionId"]))
        frame[key] = draw(json_values)
    return frame


typed_dicts = st.builds(
    lambda kind, rest: {**rest, "type": kind},
    st.sampled_from(ALL_TYPES) | short_text,
    st.dictionaries(st.sampled_from(sorted(FIELD_KIND)) | short_text, json_values, max_size=5),
)


def encode(value: Any, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)


NON_JSON_SAMPLES = [
    "", " ", "null", "ping", "{", "}", "{}", "[]", '"ping"', "{'type': 'ping'}", '{"type": "ping",}',
    '{"type":"ping"} {"type":"ping"}', '{"type":"ping"}\x00', "\ufeff{\"type\":\"ping\"}", '{"type":"ping","id":NaN}',
    '{"type":"ping","id":"\\ud800"}', '{"type":"send","id":"\\udfff","session_id":99999,"text":"x"}',
    '{"type":"ping","id":"' + "\\u0000" * 3 + '"}', '{"type":"subscribe","session_id":1e400}',
    '{"type":"subscribe","session_id":' + "9" * 5000 + "}", "[" * 10000 + "]" * 10000,
    '{"a":' * 3000 + "1" + "}" * 3000,
    '{"type":"ping","id":"a","id":7}', "\t\n\r", "undefined", "<html></html>",
]


@st.composite
def non_json_text(draw: st.DrawFn) -> str:
    choice = draw(st.integers(min_value=0, max_value=3))
    if choice == 0:
        return draw(st.sampled_from(NON_JSON_SAMPLES))
    if choice == 1:  # a real frame cut short or with garbage appended
        raw = encode(draw(st.sampled_from(sorted(SHAPES)).flatmap(well_formed)), draw(st.booleans()))
        cut = draw(st.integers(min_value=0, max_value=len(raw) - 1))
        return raw[:cut] if draw(st.booleans()) else raw + draw(st.text(string.printable, min_size=1, max_size=5))
    if choice == 2:  # deep nesting around a frame
        depth = draw(st.integers(min_value=100, max_value=5000))
        return "[" * depth + '{"type":"ping"}' + "]" * depth
    return draw(st.text(max_size=200))


@st.composite
def binary_frames(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(min_value=0, max_value=2))
    if choice == 0:
        return draw(st.binary(max_size=300))
    frame = draw(mutated() | typed_dicts | st.sampled_from(sorted(SHAPES)).flatmap(well_formed))
    data = encode(frame, ascii_only=False).encode(draw(st.sampled_from(["utf-8", "utf-16", "utf-32", "latin-1"])),
                                                   errors="replace")
    if choice == 1:
        return data
    junk = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xfe\xff", b"\x80\x80"]))
    at = draw(st.integers(min_value=0, max_value=len(data)))
    return data[:at] + junk + data[at:]


@st.composite
def oversized(draw: st.DrawFn) -> str:
    """Over 16 KiB in bytes and in characters, under the 1 MiB WebSocket message limit."""
    frame = draw(st.sampled_from(sorted(SHAPES)).flatmap(well_formed))
    pad_char = draw(st.sampled_from(["a", " ", "é", "€", "😀"]))
    most = (MAX_WIRE_BYTES - 4096) // len(pad_char.encode())
    count = draw(st.integers(min_value=MAX_FRAME_BYTES + 1, max_value=most))
    where = draw(st.sampled_from(["text", "extra", "whitespace", "id"]))
    if where == "whitespace":
        raw = encode(frame, ascii_only=False)
        return "{" + " " * count + raw[1:]
    if where == "text":
        frame["text"] = pad_char * count
    elif where == "id":
        frame["id"] = pad_char * count
    else:
        frame["padding"] = pad_char * count
    return encode(frame, ascii_only=False)


# --- the properties -------------------------------------------------------------------------------
@FUZZ
@given(role=roles, value=json_values, ascii_only=st.booleans())
@example(role="visitor", value=None, ascii_only=True)
@example(role="agent", value=[{"type": "ping"}], ascii_only=True)
@example(role="agent", value=2**64, ascii_only=True)
def test_arbitrary_json_values_are_refused(fuzz_world: FuzzWorld, role: Role, value: Any, ascii_only: bool) -> None:
    assert_refused(fuzz_world, role, encode(value, ascii_only))


@FUZZ
@given(role=roles, frame=typed_dicts, ascii_only=st.booleans())
@example(role="visitor", frame={"type": "pick_up", "session_id": 1}, ascii_only=True)
@example(role="agent", frame={"type": "draft", "session_id": 1, "text": "x"}, ascii_only=True)
def test_dicts_with_a_type_are_refused(fuzz_world: FuzzWorld, role: Role, frame: dict[str, Any],
                                       ascii_only: bool) -> None:
    assert_refused(fuzz_world, role, encode(frame, ascii_only))


@settings(FUZZ, max_examples=150)
@given(role=roles, frame=mutated(), ascii_only=st.booleans())
@example(role="visitor", frame={"type": "send", "id": "x", "session_id": 99999, "text": "x" * 1025}, ascii_only=True)
@example(role="visitor", frame={"type": "rate", "session_id": 2, "rating": 6}, ascii_only=True)
@example(role="agent", frame={"type": "presence", "presence": "busy"}, ascii_only=True)
@example(role="agent", frame={"type": "send", "id": "", "session_id": 2, "text": "x"}, ascii_only=True)
@example(role="agent", frame={"type": "hello", "cursor": -1, "id": "h" * 100}, ascii_only=True)
def test_real_frames_with_mistakes_are_refused(fuzz_world: FuzzWorld, role: Role, frame: dict[str, Any],
                                               ascii_only: bool) -> None:
    assert_refused(fuzz_world, role, encode(frame, ascii_only))


@settings(FUZZ, max_examples=150)
@given(role=roles, frame=st.sampled_from(sorted(SHAPES)).flatmap(well_formed), ascii_only=st.booleans())
@example(role="agent", frame={"type": "get_next"}, ascii_only=True)
def test_valid_frames_about_chats_that_are_not_yours_are_refused(
    fuzz_world: FuzzWorld, role: Role, frame: dict[str, Any], ascii_only: bool
) -> None:
    """Schema-valid frames: the visitor targets chats that are not its own or do not exist; the agent
    owns no chat, may respond only in a channel whose queue is empty, and has no rights elsewhere."""
    assert_refused(fuzz_world, role, encode(frame, ascii_only))


@FUZZ
@given(role=roles, raw=non_json_text())
@example(role="visitor", raw="")
@example(role="agent", raw="[" * 100_000)
@example(role="visitor", raw='{"type":"ping","id":"\\ud800"}')
def test_text_that_is_not_a_json_frame_is_refused(fuzz_world: FuzzWorld, role: Role, raw: str) -> None:
    assert_refused(fuzz_world, role, raw)


@FUZZ
@given(role=roles, raw=binary_frames())
@example(role="visitor", raw=b"\xff\xfe\x00")
@example(role="agent", raw=b'{"type":"pick_up","session_id":"1"}')
def test_binary_frames_are_refused(fuzz_world: FuzzWorld, role: Role, raw: bytes) -> None:
    assert_refused(fuzz_world, role, raw)


@settings(FUZZ, max_examples=25)
@given(role=roles, raw=oversized())
def test_oversized_frames_are_refused(fuzz_world: FuzzWorld, role: Role, raw: str) -> None:
    assert_refused(fuzz_world, role, raw)


def test_frame_limit_counts_utf8_bytes_not_characters(fuzz_world: FuzzWorld) -> None:
    """MAX_FRAME_BYTES is 16 KiB of *bytes* ("A frame holds at most 16384 bytes."): a text frame of
    ~13 K characters that is ~16.5 KB of UTF-8 must be refused as too large, not parsed."""
    foreign_session = max(fuzz_world.session_ids) + 1000
    frame = {"type": "send", "id": "big", "session_id": foreign_session, "text": "😀" * 1024}
    body = encode(frame, ascii_only=False)
    padding = MAX_FRAME_BYTES + 100 - wire_size(body)
    raw = "{" + " " * padding + body[1:]
    assert wire_size(raw) > MAX_FRAME_BYTES >= len(raw)
    client = fuzz_world.peers["visitor"].client()
    client.send_raw(raw)
    reply = client.wait_for(lambda f: f.get("id") == "big")
    assert reply["type"] == "error"
    assert reply["code"] == "too_large", f"a {wire_size(raw)}-byte frame was not refused as too large: {reply}"


def test_nul_characters_in_own_chat_are_refused_and_nothing_is_stored(fuzz_world: FuzzWorld) -> None:
    """PostgreSQL text cannot hold NUL; both stores refuse it in the frame, before any query."""
    client = fuzz_world.peers["visitor"].client()
    before = snapshot(fuzz_world.database)
    for frame_id, body in (("nul-text", "a\x00b"), ("\x00", "fine")):
        client.send({"type": "send", "id": frame_id, "session_id": fuzz_world.own_session_id, "text": body})
        reply = client.wait_for(_error_for(frame_id))
        assert reply["code"] == "invalid_frame", reply
    assert snapshot(fuzz_world.database) == before


def test_sockets_still_answer_after_fuzzing(fuzz_world: FuzzWorld) -> None:
    for role, peer in fuzz_world.peers.items():
        assert peer.client().request({"type": "ping"})["pong"] is True, role
