"""The servers under load: the product (SQLite; PostgreSQL + Redis with 1 or 2 processes) and the two peers.

The product is started exactly as the integration tests start it (tests/server.py, tests/deployment.py):
`python app.py` with CHAT_* settings, a fresh data folder, a fresh PostgreSQL database created as user
postgres on 127.0.0.1 and a private redis-server on a free port. Staff users and channels are written
straight into the database after the server is up, with a one-round password hash so 1,000 logins do not
measure scrypt.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Literal

import psutil
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from bench import _write_path
from bench._drivers import PASSWORD, Endpoints, PairSpec
from chat.actions.assignment import do_pick_up
from chat.actions.sessions import PrechatForm, do_start_session
from chat.db import Database
from chat.models import Channel, ChatSession, Membership, Presence, Role, SessionStatus, User, Visitor
from chat.tokens import VisitorTokens
from tests.deployment import RedisServer, ServerPair, create_database, drop_database
from tests.server import ServerProcess, free_port

ROOT = Path(__file__).resolve().parent.parent
PAIRS_PER_CHANNEL = 50
PRODUCT_ENV = {
    "CHAT_DEMO": "0",
    "CHAT_VISITOR_MESSAGES_PER_SECOND": "0",  # no per-visitor limit: the bench paces the load itself
    "CHAT_ETL_INTERVAL": "0",
    "CHAT_LOG_LEVEL": "WARNING",
    "CHAT_HEARTBEAT_SECONDS": "20",  # the default (tests/server.py lowers it to 5)
}
Mode = Literal["sqlite", "pg1", "pg2"]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


class ProductTarget:
    kind = "product"

    def __init__(self, label: str, root: Path, mode: Mode = "sqlite", *, rest_setup: bool = False) -> None:
        self.label = label
        self.root = root
        self.mode = mode
        self.rest_setup = rest_setup
        self.servers: list[ServerProcess] = []
        self.redis: RedisServer | None = None
        self.database_name = ""
        self.secret = secrets.token_urlsafe(32)

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        env = PRODUCT_ENV | {"CHAT_SECRET_KEY": self.secret}
        if self.mode == "sqlite":
            self.servers = [ServerProcess(self.root, env)]
            self.servers[0].start()
            return
        self.database_name = create_database()
        self.redis = RedisServer()
        self.redis.start()
        pair = ServerPair(self.root, self.database_name, self.redis.url, env)
        if self.mode == "pg1":
            self.servers = [pair.a]
            pair.a.start(60)
        else:
            self.servers = [pair.a, pair.b]
            pair.start(60)

    def pids(self) -> list[int]:
        return [s.process.pid for s in self.servers if s.process is not None]

    def helper_pids(self) -> list[int]:
        """PostgreSQL backends serving this database and the private redis-server."""
        pids = [self.redis.process.pid] if self.redis and self.redis.process else []
        if self.database_name:
            for process in psutil.process_iter(["name", "cmdline"]):
                title = " ".join(process.info["cmdline"] or [])
                if process.info["name"] and "postgres" in process.info["name"] and self.database_name in title:
                    pids.append(process.pid)
        return pids

    def endpoints(self) -> Endpoints:
        visitors, agents = self.servers[0], self.servers[-1]
        return Endpoints(visitors.url, agents.url, visitors.ws_url, agents.ws_url)

    def seed(self, pairs: int, *, idle: bool) -> list[PairSpec]:
        """Channels of 50 pairs with one Present agent per pair and, unless `rest_setup`, each pair's chat
        started and picked up through the product's own actions (the clients then only sign in and connect);
        for idle sockets, that many queued chats written straight into the database. Visitors get tokens."""
        database = self.servers[0].database()
        with database.write() as db:
            if idle:
                specs = self._seed_waiting_chats(db, pairs)
            else:
                channels = [Channel(name=f"Load {c + 1}", prechat_required_fields=[])
                            for c in range(-(-pairs // PAIRS_PER_CHANNEL))]
                db.add_all(channels)
                db.flush()
                password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
                users = [User(username=f"load{i}", display_name=f"Load Agent {i}", password_hash=password_hash,
                              role=Role.AGENT, presence=Presence.PRESENT) for i in range(pairs)]
                db.add_all(users)
                db.flush()
                db.add_all(Membership(user_id=u.id, channel_id=channels[i // PAIRS_PER_CHANNEL].id, can_respond=True)
                           for i, u in enumerate(users))
                specs = [PairSpec(i, channels[i // PAIRS_PER_CHANNEL].id, f"load{i}") for i in range(pairs)]
        if not idle and not self.rest_setup:
            specs = [self._start_and_pick_up(database, spec) for spec in specs]
        database.dispose()
        return specs

    def _start_and_pick_up(self, database: Database, spec: PairSpec) -> PairSpec:
        """What `POST /api/v1/visitor/sessions` and the agent's `pick_up` do, in one transaction."""
        with database.write() as db:
            channel = db.get(Channel, spec.channel_id)
            agent = db.scalars(select(User).where(User.username == spec.username)).one()
            visitor = Visitor(public_id=str(uuid.uuid4()))
            db.add(visitor)
            db.flush()
            assert channel is not None
            chat = do_start_session(db, visitor, channel, PrechatForm(name=f"Visitor {spec.index}"))
            do_pick_up(db, agent, chat)
            return replace(spec, token=VisitorTokens(self.secret).issue(visitor.id), session_id=chat.id)

    def write_path(self) -> dict[str, float]:
        """CPU per visitor message of the product's write, ORM path vs prebuilt Core (bench/_write_path.py),
        in a chat of its own so no pair sees the extra messages."""
        database = self.servers[0].database()
        channel_id = database.engine.connect().execute(select(Channel.id).limit(1)).scalar_one()
        spec = self._start_and_pick_up(database, PairSpec(-1, channel_id, "load0"))
        database.dispose()
        visitor_id = VisitorTokens(self.secret).visitor_id(spec.token)
        return _write_path.measure(self.servers[0].database_url, spec.session_id, visitor_id)

    def _seed_waiting_chats(self, db: Session, count: int) -> list[PairSpec]:
        channel = Channel(name="Idle", prechat_required_fields=[])
        db.add(channel)
        db.flush()
        visitors = [Visitor(public_id=str(uuid.uuid4())) for _ in range(count)]
        db.add_all(visitors)
        db.flush()
        chats = [ChatSession(channel_id=channel.id, visitor_id=v.id, status=SessionStatus.IN_QUEUE,
                             visitor_name=f"Visitor {i}") for i, v in enumerate(visitors)]
        db.add_all(chats)
        db.flush()
        tokens = VisitorTokens(self.secret)
        return [PairSpec(i, channel.id, token=tokens.issue(v.id), session_id=c.id)
                for i, (v, c) in enumerate(zip(visitors, chats, strict=True))]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        if self.redis is not None:
            self.redis.stop()
        if self.database_name:
            drop_database(self.database_name)


class PeerTarget:
    """A peer app from bench/peers/, in its own gevent process."""

    def __init__(self, label: str, root: Path, kind: Literal["socketio", "relay"]) -> None:
        self.label = label
        self.root = root
        self.kind = kind
        self.script = "socketio_room.py" if kind == "socketio" else "bare_relay.py"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        command = [sys.executable, str(ROOT / "bench" / "peers" / self.script), "--port", str(self.port)]
        if self.kind == "relay":
            command += ["--db", str(self.root / "relay.db")]
        log = (self.root / "server.log").open("ab")
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
        _wait_for_port(self.port, self.process)

    def pids(self) -> list[int]:
        return [self.process.pid] if self.process else []

    def helper_pids(self) -> list[int]:
        return []

    def endpoints(self) -> Endpoints:
        http, ws = f"http://127.0.0.1:{self.port}", f"ws://127.0.0.1:{self.port}"
        return Endpoints(http, http, ws, ws)

    def seed(self, pairs: int, *, idle: bool) -> list[PairSpec]:
        return [PairSpec(i) for i in range(pairs)]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


Target = ProductTarget | PeerTarget


class Usage:
    """CPU seconds and RSS of a set of processes; processes that appear later count from zero."""

    def __init__(self, pids: list[int]) -> None:
        self.processes = [psutil.Process(pid) for pid in pids]

    def cpu(self) -> dict[int, float]:
        times: dict[int, float] = {}
        for process in self.processes:
            try:
                user, system = process.cpu_times()[:2]
                times[process.pid] = user + system
            except psutil.NoSuchProcess:
                continue
        return times

    @staticmethod
    def cpu_between(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())

    def rss(self) -> int:
        return sum(p.memory_info().rss for p in self.processes if p.is_running())

    def established(self) -> int:
        """Open client sockets: established connections on the processes' listening ports."""
        total = 0
        for process in self.processes:
            connections = process.net_connections(kind="tcp")
            ports = {c.laddr.port for c in connections if c.status == psutil.CONN_LISTEN}
            total += sum(1 for c in connections if c.status == psutil.CONN_ESTABLISHED and c.laddr.port in ports)
        return total
