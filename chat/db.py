"""Engine, sessions and publish-on-commit: events leave the process only after their commit."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from chat.bus import Bus
from chat.group_commit import GroupCommit
from chat.prepared import DriverTransaction

OUTBOX_KEY = "outbox"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 7_301_002
T = TypeVar("T")


def publish_on_commit(db_session: Session, topic: str, message: dict[str, Any]) -> None:
    """Queue a bus message that is published only if this transaction commits."""
    db_session.info.setdefault(OUTBOX_KEY, []).append((topic, message))


def _sqlite_setup(engine: Engine, database: Database) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        if database.checkpoints_elsewhere:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One engine per app. `write()` is a short serialised transaction; `read()` never writes."""

    def __init__(self, url: str, bus: Bus) -> None:
        self.url = url
        self.bus = bus
        self.is_sqlite = url.startswith("sqlite")
        self.engine = create_engine(url, pool_pre_ping=not self.is_sqlite)
        self.checkpoints_elsewhere = False
        if self.is_sqlite:
            _sqlite_setup(self.engine, self)
        write_bind = self.engine.execution_options(sqlite_immediate=True)
        self._write_maker = sessionmaker(bind=write_bind, expire_on_commit=False)
        self._read_maker = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._writer_lock: AbstractContextManager[Any] = (
            threading.Lock() if self.is_sqlite else nullcontext()
        )
        event.listen(self._write_maker, "after_commit", self._publish_outbox)
        event.listen(self._write_maker, "after_rollback", self._drop_outbox)
        self._group_commit: GroupCommit[DriverTransaction] = GroupCommit(self.driver_write)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._writer_lock, self._write_maker() as db_session, db_session.begin():
            yield db_session

    @contextmanager
    def driver_write(self) -> Iterator[DriverTransaction]:
        """A write transaction for prepared statements only: a pooled driver connection, no ORM session."""
        with self._writer_lock:
            pooled = self.engine.raw_connection()
            try:
                driver_connection: Any = pooled.driver_connection
                if self.is_sqlite:
                    driver_connection.execute("BEGIN IMMEDIATE")
                transaction = DriverTransaction(self.engine.dialect, driver_connection)
                try:
                    yield transaction
                except BaseException:
                    driver_connection.rollback()
                    raise
                driver_connection.commit()
            finally:
                pooled.close()
            for topic, message in transaction.outbox:  # as `write()` does: published before the lock is free
                self.bus.publish(topic, message)

    @contextmanager
    def writes_held(self) -> Iterator[None]:
        """No write transaction of this process starts meanwhile (sqlite_checkpoints uses it)."""
        with self._writer_lock:
            yield

    def write_together(self, work: Callable[[DriverTransaction], T]) -> T:
        """`work(transaction)` in a `driver_write` shared with the writes other sockets queue meanwhile
        (chat/group_commit.py)."""
        return self._group_commit.run(work)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_maker() as db_session, db_session.begin():
            yield db_session

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - health check reports any failure as "down"
            return False

    def migrate(self) -> None:
        """Safe when several processes start at once: one migrates, the others wait and find it done.

        On SQLite, Alembic's batch mode rebuilds a table to alter it; foreign keys are switched off for
        that (they cannot be switched inside a transaction) and checked again before anything is kept.
        """
        with self.engine.execution_options(sqlite_immediate=True).connect() as connection:
            if self.is_sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with connection.begin():
                    if not self.is_sqlite:
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                    command.upgrade(alembic_config(connection), "head")
                    if self.is_sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise RuntimeError("a migration left rows pointing at missing rows; nothing was changed")
            finally:
                if self.is_sqlite:
                    connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]

    def checkpoint_elsewhere(self) -> None:
        """SQLite: this process's commits stop checkpointing the log (chat/sqlite_checkpoints.py does it)."""
        self.checkpoints_elsewhere = True
        self.engine.dispose()  # connections opened from now on get the setting

    def dispose(self) -> None:
        self.engine.dispose()

    def _publish_outbox(self, db_session: Session) -> None:
        for topic, message in db_session.info.pop(OUTBOX_KEY, []):
            self.bus.publish(topic, message)

    @staticmethod
    def _drop_outbox(db_session: Session) -> None:
        db_session.info.pop(OUTBOX_KEY, None)


def alembic_config(connection: Any = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config
