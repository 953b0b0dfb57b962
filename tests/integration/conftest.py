from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from chat.db import Database
from tests.deployment import RedisServer, ServerPair, create_database, drop_database
from tests.factories import PASSWORD, make_channel, make_user
from tests.server import ServerProcess
from tests.wsclient import WsClient, login_cookie

Deployment = ServerProcess | ServerPair


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Every integration test runs twice: one process on SQLite with the in-process bus, and two
    processes on PostgreSQL with Redis (visitor sockets on one, staff sockets on the other)."""
    if request.param == "sqlite":
        process = ServerProcess(tmp_path_factory.mktemp("server"))
        process.start()
        yield process
        process.stop()
        return
    redis_server: RedisServer = request.getfixturevalue("redis_server")
    database_name = create_database()
    pair = ServerPair(tmp_path_factory.mktemp("pair"), database_name, redis_server.url)
    try:
        pair.start()
        yield pair
    finally:
        pair.stop()
        drop_database(database_name)


@pytest.fixture(scope="module")
def arrange(server: Deployment) -> Iterator[Database]:
    database = server.database()
    yield database
    database.dispose()


@dataclass
class World:
    """One channel with two present agents, a supervisor who may listen in, and an outsider."""

    server: Deployment
    channel_id: int
    agent1: str
    agent2: str
    agent1_id: int
    agent2_id: int
    supervisor: str
    outsider: str

    def agent_socket(self, username: str) -> WsClient:
        cookie = login_cookie(self.server.url, username, PASSWORD)
        return WsClient(f"{self.server.agent_ws_url}/ws/agent", cookie=cookie)

    def visitor_socket(self, token: str) -> WsClient:
        return WsClient(f"{self.server.visitor_ws_url}/ws/visitor?token={token}")


@pytest.fixture
def world(server: Deployment, arrange: Database) -> World:
    with arrange.write() as db:
        channel = make_channel(db, welcome_message="Welcome to Support!")
        agent1 = make_user(db, channels=(channel,))
        agent2 = make_user(db, channels=(channel,))
        supervisor = make_user(db, channels=(channel,), can_respond=False, can_listen=True)
        outsider = make_user(db)
        return World(server, channel.id, agent1.username, agent2.username, agent1.id, agent2.id,
                     supervisor.username, outsider.username)


@pytest.fixture
def server_path(server: Deployment) -> Path:
    return server.data_dir
