"""Gap-free delivery under faults: dropped sockets at random, one SIGKILL of a server process, and on the
scaled deployment (two processes on PostgreSQL + Redis) one Redis restart as well."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import websocket
from sqlalchemy import select

from chat.models import Message
from tests.chatter import Chatter
from tests.deployment import RedisServer, ServerPair, create_database, drop_database
from tests.factories import PASSWORD, make_channel, make_user
from tests.server import ServerProcess
from tests.wsclient import WsClient, login_cookie, start_visitor_session

MESSAGES_PER_SIDE = 500
Deployment = ServerProcess | ServerPair


@pytest.fixture(params=["sqlite", "postgres"])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Deployment, RedisServer | None]]:
    if request.param == "sqlite":
        server = ServerProcess(tmp_path)
        server.start()
        yield server, None
        server.stop()
        return
    redis_server = RedisServer()
    redis_server.start()
    database_name = create_database()
    pair = ServerPair(tmp_path, database_name, redis_server.url)
    try:
        pair.start()
        yield pair, redis_server
    finally:
        pair.stop()
        redis_server.stop()
        drop_database(database_name)


def _arrange(server: Deployment) -> tuple[int, str, str]:
    database = server.database()
    with database.write() as db:
        channel = make_channel(db)
        agent = make_user(db, channels=(channel,))
        channel_id, username = channel.id, agent.username
    database.dispose()
    started = start_visitor_session(server.url, channel_id, question="chaos")
    session_id = started["session"]["session_id"]
    cookie = login_cookie(server.url, username, PASSWORD)
    agent_socket = WsClient(f"{server.agent_ws_url}/ws/agent", cookie=cookie)
    assert agent_socket.request({"type": "pick_up", "session_id": session_id})["type"] == "ack"
    agent_socket.close()
    return session_id, started["token"], cookie


DROPS_PER_SIDE = 12


def _chaos(faults: list[tuple[float, Callable[[], None]]], chatters: list[Chatter], stop: threading.Event,
           rng: random.Random, done: list[str]) -> None:
    """Drop the chatters' sockets in turn, each time they have sent another share of their messages (so
    every side is dropped many times however fast the server is), at a random moment within that share;
    each fault fires once the chatters have sent its share of their messages."""
    pending = sorted(faults, key=lambda fault: fault[0])
    drops_done = 0
    drop_step = 1 / (len(chatters) * DROPS_PER_SIDE + 1)
    while not stop.wait(rng.uniform(0.01, 0.05)):
        progress = min(len(c.acked) for c in chatters) / MESSAGES_PER_SIDE
        if progress >= (drops_done + 1) * drop_step:
            chatters[drops_done % len(chatters)].drop()
            drops_done += 1
        if pending and progress >= pending[0][0]:
            _at, fault = pending.pop(0)
            fault()
            done.append(fault.__name__)


def test_every_message_arrives_exactly_once_in_order(deployment: tuple[Deployment, RedisServer | None]) -> None:
    server, redis_server = deployment
    session_id, token, cookie = _arrange(server)
    victim = server.b if isinstance(server, ServerPair) else server
    killed_pids: list[int] = []

    def kill_a_server_process() -> None:
        assert victim.process is not None
        killed_pids.append(victim.process.pid)
        victim.kill()
        time.sleep(0.5)
        victim.start(timeout=90)

    faults: list[tuple[float, Callable[[], None]]] = [(0.2, kill_a_server_process)]
    if redis_server is not None:
        def restart_redis() -> None:
            redis_server.restart()

        faults.append((0.5, restart_redis))

    visitor = Chatter(lambda: websocket.create_connection(f"{server.visitor_ws_url}/ws/visitor?token={token}",
                                                          timeout=5), session_id, "v", MESSAGES_PER_SIDE)
    agent = Chatter(lambda: websocket.create_connection(f"{server.agent_ws_url}/ws/agent", timeout=5,
                                                        header=[f"Cookie: {cookie}"]),
                    session_id, "a", MESSAGES_PER_SIDE)
    stop = threading.Event()
    done: list[str] = []
    chaos = threading.Thread(target=_chaos, args=(faults, [visitor, agent], stop, random.Random(42), done))
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
    assert sorted(done) == sorted(f.__name__ for _at, f in faults), "not every fault happened during the exchange"
    assert victim.process is not None and victim.process.pid not in killed_pids
    assert visitor.error is None, visitor.error
    assert agent.error is None, agent.error

    database = server.database()
    with database.read() as db:
        stored = list(db.scalars(select(Message.body).where(Message.session_id == session_id,
                                                           Message.author_kind != "system").order_by(Message.seq)))
    database.dispose()
    assert len(stored) == expected_total
    assert sorted(stored[1:]) == sorted([f"v-{i}" for i in range(MESSAGES_PER_SIDE)]
                                        + [f"a-{i}" for i in range(MESSAGES_PER_SIDE)])
    for chatter in (visitor, agent):
        assert chatter.seqs_seen == list(range(1, len(chatter.seqs_seen) + 1)), "a gap or a repeat"
        assert [b for b in chatter.bodies_seen if b != "chaos" and not b.startswith("Welcome")] == stored[1:]
        own = [b for b in chatter.bodies_seen if b.startswith(chatter.prefix + "-")]
        assert own == [f"{chatter.prefix}-{i}" for i in range(MESSAGES_PER_SIDE)], "own messages out of order"
        dropped = chatter.reconnects - 1
        assert dropped > DROPS_PER_SIDE // 2, f"the chaos dropped {chatter.prefix} only {dropped} times"
