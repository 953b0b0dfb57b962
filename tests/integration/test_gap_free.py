"""Gap-free delivery under faults: dropped sockets at random and one SIGKILL of the server."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import websocket
from sqlalchemy import select

from chat.models import Message
from tests.chatter import Chatter
from tests.factories import PASSWORD, make_channel, make_user
from tests.server import ServerProcess
from tests.wsclient import WsClient, login_cookie, start_visitor_session

MESSAGES_PER_SIDE = 500


def _arrange(server: ServerProcess) -> tuple[int, str, str]:
    database = server.database()
    with database.write() as db:
        channel = make_channel(db)
        agent = make_user(db, channels=(channel,))
        channel_id, username = channel.id, agent.username
    database.dispose()
    started = start_visitor_session(server.url, channel_id, question="chaos")
    session_id = started["session"]["session_id"]
    cookie = login_cookie(server.url, username, PASSWORD)
    agent_socket = WsClient(f"{server.ws_url}/ws/agent", cookie=cookie)
    assert agent_socket.request({"type": "pick_up", "session_id": session_id})["type"] == "ack"
    agent_socket.close()
    return session_id, started["token"], cookie


def _chaos(
    server: ServerProcess, chatters: list[Chatter], stop: threading.Event, rng: random.Random, kills: list[int]
) -> None:
    started = time.monotonic()
    while not stop.wait(rng.uniform(0.05, 0.4)):
        rng.choice(chatters).drop()
        if not kills and time.monotonic() - started > 2.0:
            assert server.process is not None
            kills.append(server.process.pid)
            server.kill()
            time.sleep(rng.uniform(0.2, 1.0))
            server.start()


def test_every_message_arrives_exactly_once_in_order(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path)
    server.start()
    try:
        session_id, token, cookie = _arrange(server)
        visitor = Chatter(lambda: websocket.create_connection(f"{server.ws_url}/ws/visitor?token={token}", timeout=5),
                          session_id, "v", MESSAGES_PER_SIDE)
        agent = Chatter(lambda: websocket.create_connection(f"{server.ws_url}/ws/agent", timeout=5,
                                                            header=[f"Cookie: {cookie}"]),
                        session_id, "a", MESSAGES_PER_SIDE)
        stop = threading.Event()
        kills: list[int] = []
        chaos = threading.Thread(target=_chaos, args=(server, [visitor, agent], stop, random.Random(42), kills))
        expected_total = 2 * MESSAGES_PER_SIDE + 1  # the visitor's first question is a message too
        deadline = time.monotonic() + 240
        runners = [threading.Thread(target=c.run, args=(expected_total, deadline)) for c in (visitor, agent)]
        chaos.start()
        for runner in runners:
            runner.start()
        for runner in runners:
            runner.join()
        stop.set()
        chaos.join()
        assert len(kills) == 1, "the server was not killed during the exchange"
        assert server.process is not None and server.process.pid != kills[0]
        assert visitor.error is None, visitor.error
        assert agent.error is None, agent.error

        database = server.database()
        with database.read() as db:
            stored = list(db.scalars(select(Message.body).where(Message.session_id == session_id,
                                                               Message.author_kind != "system")
                                     .order_by(Message.seq)))
        database.dispose()
        assert len(stored) == expected_total
        assert sorted(stored[1:]) == sorted([f"v-{i}" for i in range(MESSAGES_PER_SIDE)]
                                            + [f"a-{i}" for i in range(MESSAGES_PER_SIDE)])
        for chatter in (visitor, agent):
            assert chatter.seqs_seen == list(range(1, len(chatter.seqs_seen) + 1)), "a gap or a repeat"
            assert [b for b in chatter.bodies_seen if b != "chaos" and not b.startswith("Welcome")] == stored[1:]
            own = [b for b in chatter.bodies_seen if b.startswith(chatter.prefix + "-")]
            assert own == [f"{chatter.prefix}-{i}" for i in range(MESSAGES_PER_SIDE)], "own messages out of order"
            assert chatter.reconnects > 3, "the chaos did not actually drop this side"
    finally:
        server.stop()
