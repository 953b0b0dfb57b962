"""How the load client speaks to each server: the product's protocol, Socket.IO over a WebSocket, the relay.

Every driver opens one visitor socket and one agent socket per pair over real WebSockets, offering
permessage-deflate as browsers do (`Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits`).
The visitor sends `text`; the agent side calls `deliver(text)` when the message reaches it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

Deliver = Callable[[str], None]
Report = Callable[[str], None]
PASSWORD = "bench-pass"
_local = threading.local()
_shutdown = threading.Event()  # set while the worker closes its own sockets: those closes are no errors


def stop_reporting_closes() -> None:
    _shutdown.set()


@dataclass(frozen=True)
class PairSpec:
    index: int
    channel_id: int = 0
    username: str = ""
    token: str = ""  # idle visitors: a chat seeded in the database, and its visitor's token
    session_id: int = 0


@dataclass(frozen=True)
class Endpoints:
    visitor_http: str
    agent_http: str
    visitor_ws: str
    agent_ws: str


@dataclass
class Pair:
    send: Callable[[str], Awaitable[None]]
    sockets: list[ClientConnection] = field(default_factory=list)
    greet: Callable[[], Awaitable[None]] | None = None  # the agent's `hello`, once every pair is open


async def open_socket(url: str, headers: dict[str, str] | None = None) -> ClientConnection:
    return await connect(url, additional_headers=headers, compression="deflate", ping_interval=None,
                         proxy=None, open_timeout=60, max_queue=None, user_agent_header="chat-load")


def _http() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
        _local.session.trust_env = False
    session: requests.Session = _local.session
    return session


async def _until(ws: ClientConnection, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if frame.get("type") == "error":
            raise RuntimeError(f"server refused a setup frame: {frame}")
        if wanted(frame):
            return frame


def read_forever(ws: ClientConnection, on_frame: Callable[[str | bytes], Awaitable[None] | None],
                 report: Report) -> asyncio.Task[None]:
    async def loop() -> None:
        try:
            async for raw in ws:
                pending = on_frame(raw)
                if pending is not None:
                    await pending
        except ConnectionClosed:
            pass
        if not _shutdown.is_set():
            report(f"socket closed by the server: code {ws.close_code} {ws.close_reason!r}")

    return asyncio.create_task(loop())


class ProductDriver:
    """The product: REST to start a chat, JSON login, /ws/visitor and /ws/agent frames (docs/protocol.md).

    Agents send `hello` only once every pair is open (`Pair.greet`): every agent event passes every staff
    socket that follows the feed, so greeting first would make opening N pairs cost N x N deliveries.
    Visitor messages write no agent events, so the steps measure the same either way."""

    def __init__(self, endpoints: Endpoints, report: Report) -> None:
        self.endpoints = endpoints
        self.report = report
        self._ids = itertools.count(1)

    def _start_chat(self, channel_id: int, name: str) -> tuple[str, int]:
        response = _http().post(f"{self.endpoints.visitor_http}/api/v1/visitor/sessions",
                                json={"channel_id": channel_id, "name": name}, timeout=60)
        response.raise_for_status()
        body = response.json()
        return str(body["token"]), int(body["session"]["session_id"])

    def _login(self, username: str) -> str:
        response = _http().post(f"{self.endpoints.agent_http}/login",
                                json={"username": username, "password": PASSWORD}, timeout=60)
        response.raise_for_status()
        return "; ".join(f"{c.name}={c.value}" for c in response.cookies)

    async def _visitor(self, spec: PairSpec) -> tuple[ClientConnection, int]:
        if spec.token:
            token, session_id = spec.token, spec.session_id
        else:
            token, session_id = await asyncio.to_thread(self._start_chat, spec.channel_id, f"Visitor {spec.index}")
        visitor = await open_socket(f"{self.endpoints.visitor_ws}/ws/visitor?token={token}")
        await visitor.send(json.dumps({"type": "subscribe", "session_id": session_id, "last_seq": 0}))
        await _until(visitor, lambda f: f["type"] == "synced")
        return visitor, session_id

    def _visitor_frame(self, raw: str | bytes) -> None:
        if isinstance(raw, str) and raw.startswith('{"type":"error"'):
            self.report(raw[:300])

    async def open_idle(self, spec: PairSpec) -> Pair:
        visitor, _session_id = await self._visitor(spec)
        read_forever(visitor, self._visitor_frame, self.report)
        return Pair(send=self._no_send, sockets=[visitor])

    @staticmethod
    async def _no_send(_text: str) -> None:
        raise RuntimeError("idle sockets do not send")

    async def open_pair(self, spec: PairSpec, deliver: Deliver) -> Pair:
        """A chat seeded as picked up (`spec.session_id`) is only connected to; otherwise it is started over
        REST and picked up over the agent's socket first."""
        visitor, session_id = await self._visitor(spec)
        cookie = await asyncio.to_thread(self._login, spec.username)
        agent = await open_socket(f"{self.endpoints.agent_ws}/ws/agent", {"Cookie": cookie})
        if not spec.session_id:
            await agent.send(json.dumps({"type": "pick_up", "id": "pick", "session_id": session_id}))
            await _until(agent, lambda f: f["type"] == "ack" and f["id"] == "pick")
        await agent.send(json.dumps({"type": "subscribe", "session_id": session_id, "last_seq": 0}))
        await _until(agent, lambda f: f["type"] == "synced")
        greeted = asyncio.Event()

        def on_agent_frame(raw: str | bytes) -> None:
            if isinstance(raw, bytes):
                return
            if '"event":"message"' in raw:
                frame = json.loads(raw)
                if frame["type"] == "event" and frame["data"]["author"] == "visitor":
                    deliver(frame["data"]["body"])
            elif raw.startswith('{"type":"agent_state"'):
                greeted.set()
            elif raw.startswith('{"type":"error"'):
                self.report(raw[:300])

        async def greet() -> None:
            """The workspace's `hello`: from now on this socket follows the agent feed."""
            await agent.send(json.dumps({"type": "hello", "cursor": None}))
            await asyncio.wait_for(greeted.wait(), 120)

        read_forever(visitor, self._visitor_frame, self.report)
        read_forever(agent, on_agent_frame, self.report)

        async def send(text: str) -> None:
            await visitor.send(json.dumps({"type": "send", "id": f"m{next(self._ids)}", "session_id": session_id,
                                           "text": text}))

        return Pair(send=send, sockets=[visitor, agent], greet=greet)

    @staticmethod
    async def keep_alive(socket: ClientConnection) -> None:
        """The widget and the workspace send a `ping` frame periodically; the server closes silent sockets."""
        await socket.send('{"type":"ping"}')


class SocketIoDriver:
    """Flask-SocketIO: Engine.IO v4 and Socket.IO v5 packets over a plain WebSocket, as socket.io-client sends."""

    def __init__(self, endpoints: Endpoints, report: Report) -> None:
        self.endpoints = endpoints
        self.report = report

    async def _join(self, room: str, on_event: Callable[[str], None]) -> ClientConnection:
        ws = await open_socket(f"{self.endpoints.visitor_ws}/socket.io/?EIO=4&transport=websocket")
        opening = await ws.recv()
        if not str(opening).startswith("0"):
            raise RuntimeError(f"unexpected Engine.IO open packet {opening!r}")
        await ws.send("40")
        while not str(await ws.recv()).startswith("40"):
            pass
        await ws.send("421" + json.dumps(["join", room]))
        while not str(await ws.recv()).startswith("431"):
            pass

        async def on_packet(raw: str | bytes) -> None:
            text = raw if isinstance(raw, str) else raw.decode()
            if text == "2":  # Engine.IO ping: answer with pong or the server drops the socket
                await ws.send("3")
            elif text.startswith('42["message"'):
                on_event(json.loads(text[2:])[1]["text"])

        read_forever(ws, on_packet, self.report)
        return ws

    async def open_idle(self, spec: PairSpec) -> Pair:
        visitor = await self._join(f"room-{spec.index}", lambda _text: None)
        return Pair(send=ProductDriver._no_send, sockets=[visitor])

    async def open_pair(self, spec: PairSpec, deliver: Deliver) -> Pair:
        room = f"room-{spec.index}"
        visitor = await self._join(room, lambda _text: None)
        agent = await self._join(room, deliver)

        async def send(text: str) -> None:
            await visitor.send("42" + json.dumps(["message", {"room": room, "text": text}]))

        return Pair(send=send, sockets=[visitor, agent])

    @staticmethod
    async def keep_alive(_socket: ClientConnection) -> None:
        return None  # Engine.IO pings come from the server and are answered in the reader


class RelayDriver:
    """The bare relay: one socket per side in a room; every frame is `{"text": ...}`."""

    def __init__(self, endpoints: Endpoints, report: Report) -> None:
        self.endpoints = endpoints
        self.report = report

    async def open_idle(self, spec: PairSpec) -> Pair:
        """One message each way first, as the product's idle visitor sends `subscribe` and gets `synced`:
        from then on both ends of the socket hold their permessage-deflate state."""
        visitor = await open_socket(f"{self.endpoints.visitor_ws}/ws?room=room-{spec.index}")
        await visitor.send(json.dumps({"text": "hello"}))
        await asyncio.wait_for(visitor.recv(), 60)
        read_forever(visitor, lambda _raw: None, self.report)
        return Pair(send=ProductDriver._no_send, sockets=[visitor])

    async def open_pair(self, spec: PairSpec, deliver: Deliver) -> Pair:
        room = f"room-{spec.index}"
        visitor = await open_socket(f"{self.endpoints.visitor_ws}/ws?room={room}")
        agent = await open_socket(f"{self.endpoints.agent_ws}/ws?room={room}")
        read_forever(visitor, lambda _raw: None, self.report)
        read_forever(agent, lambda raw: deliver(json.loads(raw)["text"]), self.report)

        async def send(text: str) -> None:
            await visitor.send(json.dumps({"text": text}))

        return Pair(send=send, sockets=[visitor, agent])

    @staticmethod
    async def keep_alive(_socket: ClientConnection) -> None:
        return None


Driver = ProductDriver | SocketIoDriver | RelayDriver
DRIVERS: dict[str, type[ProductDriver] | type[SocketIoDriver] | type[RelayDriver]] = {
    "product": ProductDriver, "socketio": SocketIoDriver, "relay": RelayDriver,
}
