"""Presence is true across processes: an agent whose sockets are all gone, because the browser closed or
the server process holding them died, turns Away after the grace period, and everybody is told."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from chat.models import Presence, User
from tests.deployment import RedisServer, ServerPair, create_database, drop_database
from tests.factories import PASSWORD, make_channel, make_user
from tests.server import ServerProcess
from tests.wsclient import WsClient, login_cookie

FAST = {"CHAT_PRESENCE_GRACE_SECONDS": "1"}


@pytest.fixture(params=["sqlite", "postgres"])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess | ServerPair]:
    if request.param == "sqlite":
        server = ServerProcess(tmp_path, FAST)
        server.start()
        yield server
        server.stop()
        return
    redis_server: RedisServer = request.getfixturevalue("redis_server")
    database_name = create_database()
    pair = ServerPair(tmp_path, database_name, redis_server.url, FAST)
    try:
        pair.start()
        yield pair
    finally:
        pair.stop()
        drop_database(database_name)


def _present(deployment: ServerProcess | ServerPair, username: str) -> bool:
    database = deployment.database()
    with database.read() as db:
        presence = db.scalar(select(User.presence).where(User.username == username))
    database.dispose()
    return presence is Presence.PRESENT


def test_closing_every_socket_turns_the_agent_away(deployment: ServerProcess | ServerPair) -> None:
    database = deployment.database()
    with database.write() as db:
        channel = make_channel(db)
        leaving = make_user(db, channels=(channel,), present=False).username
        watching = make_user(db, channels=(channel,), present=False).username
    database.dispose()
    watcher = WsClient(f"{deployment.visitor_ws_url}/ws/agent", cookie=login_cookie(deployment.url, watching, PASSWORD))
    watcher.send({"type": "hello"})
    watcher.wait_for(lambda f: f["type"] == "agent_state")
    agent = WsClient(f"{deployment.agent_ws_url}/ws/agent", cookie=login_cookie(deployment.url, leaving, PASSWORD))
    assert agent.request({"type": "presence", "presence": "present"})["type"] == "ack"
    watcher.wait_for(lambda f: f.get("event") == "presence" and f["data"]["presence"] == "present")

    if isinstance(deployment, ServerPair):
        deployment.b.kill()  # the process holding the agent's socket dies without a word
    else:
        agent.close()
    away = watcher.wait_for(lambda f: f.get("event") == "presence" and f["data"]["presence"] == "away", timeout=20)
    assert away["data"]["display_name"] == leaving.title()
    assert not _present(deployment, leaving)
    assert _present(deployment, watching) is False  # never Present, never touched
    watcher.close()


def test_an_agent_with_another_socket_open_stays_present(deployment: ServerProcess | ServerPair) -> None:
    database = deployment.database()
    with database.write() as db:
        username = make_user(db, channels=(make_channel(db),), present=False).username
    database.dispose()
    cookie = login_cookie(deployment.url, username, PASSWORD)
    first = WsClient(f"{deployment.visitor_ws_url}/ws/agent", cookie=cookie)
    second = WsClient(f"{deployment.agent_ws_url}/ws/agent", cookie=cookie)
    assert first.request({"type": "presence", "presence": "present"})["type"] == "ack"
    second.close()
    time.sleep(3)  # three grace periods with one socket still open
    assert first.request({"type": "ping"}, timeout=5)["type"] == "ack"
    assert _present(deployment, username)
    first.close()
