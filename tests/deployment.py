"""The scaled deployment for tests: a PostgreSQL database of its own, a private Redis, two server processes."""

from __future__ import annotations

import secrets
import subprocess
import time
import uuid
from pathlib import Path

import psycopg
import redis

from chat.db import Database
from tests.server import ServerProcess, free_port

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def create_database() -> str:
    name = f"chat_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


class RedisServer:
    """A redis-server of the tests' own, so a test may restart it without disturbing anyone else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self, downtime: float = 0.5) -> None:
        self.stop()
        time.sleep(downtime)
        self.start()


class ServerPair:
    """Two processes on one PostgreSQL database and one Redis: visitors on `a`, staff on `b`."""

    def __init__(self, root: Path, database_name: str, redis_url: str, extra_env: dict[str, str] | None = None):
        self.database_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database_name}"
        shared = {"CHAT_DATABASE_URL": self.database_url, "CHAT_REDIS_URL": redis_url,
                  "CHAT_SECRET_KEY": secrets.token_urlsafe(32), **(extra_env or {})}
        (root / "a").mkdir(exist_ok=True)
        (root / "b").mkdir(exist_ok=True)
        self.a = ServerProcess(root / "a", shared)
        self.b = ServerProcess(root / "b", shared)
        self.data_dir = self.a.data_dir

    @property
    def url(self) -> str:
        return self.a.url

    @property
    def ws_url(self) -> str:
        return self.b.ws_url

    @property
    def visitor_ws_url(self) -> str:
        return self.a.ws_url

    @property
    def agent_ws_url(self) -> str:
        return self.b.ws_url

    @property
    def processes(self) -> tuple[ServerProcess, ServerProcess]:
        return self.a, self.b

    def database(self) -> Database:
        return self.a.database()

    def start(self, timeout: float = 60) -> None:
        self.a.start(timeout)  # runs the migrations first, alone
        self.b.start(timeout)

    def stop(self) -> None:
        for process in self.processes:
            process.stop()
