"""A real server process on a free port (`python app.py`, gevent), for integration tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from chat.bus import InProcessBus
from chat.db import Database

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.demo_site_port = free_port()
        self.env = {
            **os.environ,
            "CHAT_DATA_DIR": str(data_dir),
            "CHAT_PORT": str(self.port),
            "CHAT_HOST": "127.0.0.1",
            "CHAT_DEMO": "0",
            "CHAT_HEARTBEAT_SECONDS": "5",
            "CHAT_LOG_LEVEL": "WARNING",
            "CHAT_DEMO_SITE_PORT": str(self.demo_site_port),
            # Scripted clients send far faster than a person types; tests of the limit set their own value.
            "CHAT_VISITOR_MESSAGES_PER_SECOND": "0",
            **(extra_env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def demo_site_url(self) -> str:
        """The demo company website (demo mode only): another origin than `url`."""
        return f"http://127.0.0.1:{self.demo_site_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return self.env.get("CHAT_DATABASE_URL") or f"sqlite:///{self.data_dir / 'chat.db'}"

    @property
    def visitor_ws_url(self) -> str:
        return self.ws_url

    @property
    def agent_ws_url(self) -> str:
        return self.ws_url

    def database(self) -> Database:
        """A second connection to the server's own database, for arranging rows."""
        database = Database(self.database_url, InProcessBus())
        database.migrate()
        return database

    def start(self, timeout: float = 30) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing; what was committed must survive."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def running(data_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[ServerProcess]:
    process = ServerProcess(data_dir, extra_env)
    process.start()
    try:
        yield process
    finally:
        process.stop()
