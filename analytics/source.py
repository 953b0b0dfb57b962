"""Reading the relational store in Arrow batches, by watermark (DuckDB's own scanners cannot be installed).

In its own process the loader reads SQLite with the ADBC SQLite driver (C, straight into Arrow); inside
the server, and for any other SQLAlchemy URL, it reads through the DB-API driver with `fetchmany` into
Arrow. The SQL is written once for both: nullable text and timestamps come back as text with '' for NULL
(ADBC infers a column's type from its first rows), and the loader turns them into timestamps in DuckDB.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import pyarrow as pa

BATCH_ROWS = 65_536


def text(column: str, alias: str) -> str:
    return f"COALESCE(CAST({column} AS TEXT), '') AS {alias}"


SESSION_COLUMNS = ", ".join((
    "s.id AS chat_id", "s.channel_id", "s.agent_id", "s.contact_id", "s.company_id",
    text("ct.name", "contact"), "COALESCE(CAST(co.name AS TEXT), CAST(s.visitor_company AS TEXT), '') AS company",
    "s.status", text("s.language", "language"), text("s.visitor_name", "visitor_name"),
    text("s.visitor_email", "visitor_email"), text("s.requested_at", "requested_at"),
    text("s.started_at", "started_at"), text("s.first_response_at", "first_response_at"),
    text("s.ended_at", "ended_at"), "s.initial_queue_position AS queue_position", "s.rating",
    text("s.rating_comment", "rating_comment"), text("s.ended_by", "ended_by"), text("s.updated_at", "updated_at"),
))
SESSIONS_FROM = (
    "FROM chat_sessions s LEFT JOIN contacts ct ON ct.id = s.contact_id LEFT JOIN companies co ON co.id = s.company_id"
)
SESSIONS_CHANGED = (
    f"SELECT {SESSION_COLUMNS} {SESSIONS_FROM} WHERE s.updated_at > ? OR (s.updated_at = ? AND s.id > ?) "
    "ORDER BY s.updated_at, s.id LIMIT ?"
)
SESSIONS_BY_ID = f"SELECT {SESSION_COLUMNS} {SESSIONS_FROM} WHERE s.id BETWEEN ? AND ? ORDER BY s.id"
SESSIONS_HIGH_WATER = "SELECT COUNT(*), MAX(id), " + text("MAX(updated_at)", "updated_at") + " FROM chat_sessions"

MESSAGE_COLUMNS = (
    "SELECT id AS message_id, session_id AS chat_id, seq, author_kind AS side, author_user_id AS author_id, "
    + ", ".join((text("system_event", "system_event"), text("body", "body"), text("created_at", "sent_at")))
    + " FROM messages"
)
TRANSFER_COLUMNS = (
    "SELECT id AS transfer_id, session_id AS chat_id, from_user_id AS from_agent_id, to_user_id AS to_agent_id, "
    + ", ".join((text("state", "state"), text("requested_at", "requested_at"), text("resolved_at", "resolved_at")))
    + " FROM transfers"
)
CHANNELS = (
    "SELECT id AS channel_id, name, language, service_level_seconds, time_zone, is_deleted FROM channels ORDER BY id"
)
AGENTS = "SELECT id AS agent_id, username, display_name, role, is_active FROM users ORDER BY id"
MEMBERSHIPS = (
    "SELECT user_id AS agent_id, channel_id, can_respond FROM memberships ORDER BY user_id, channel_id"
)
PRESENCE = (
    "SELECT id AS event_id, " + text("payload", "payload") + ", " + text("created_at", "changed_at")
    + " FROM agent_events WHERE kind = 'presence' AND id > ? ORDER BY id LIMIT ?"
)


def rows_for(ids: Sequence[int], base: str, chunk: int = 5_000) -> Iterator[tuple[str, list[Any]]]:
    """Queries for `base` restricted to the given chats: one range when they are dense, else IN lists."""
    if not ids:
        return
    low, high = min(ids), max(ids)
    if high - low < 4 * len(ids) + 1000:
        yield f"{base} WHERE session_id BETWEEN ? AND ?", [low, high]
        return
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        yield f"{base} WHERE session_id IN ({', '.join('?' * len(part))})", list(part)


class Source(Protocol):
    def batches(self, sql: str, params: Sequence[Any] = ()) -> Iterator[pa.RecordBatch]: ...

    def table(self, sql: str, params: Sequence[Any] = ()) -> pa.Table: ...

    def timestamp(self, value: datetime) -> Any: ...

    def close(self) -> None: ...


class _Base:
    def table(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        batches = list(self.batches(sql, params))  # type: ignore[attr-defined]
        return pa.Table.from_batches(batches) if batches else pa.table({})


class AdbcSqliteSource(_Base):
    """SQLite through ADBC: the driver builds the Arrow batches in C."""

    def __init__(self, path: str) -> None:
        import adbc_driver_sqlite.dbapi

        self._connection = adbc_driver_sqlite.dbapi.connect(path)

    def batches(self, sql: str, params: Sequence[Any] = ()) -> Iterator[pa.RecordBatch]:
        from adbc_driver_sqlite import StatementOptions

        with self._connection.cursor() as cursor:
            cursor.adbc_statement.set_options(**{StatementOptions.BATCH_ROWS.value: str(BATCH_ROWS)})
            cursor.execute(sql, tuple(params))
            yield from cursor.fetch_record_batch()

    def timestamp(self, value: datetime) -> Any:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # how SQLAlchemy stores it on SQLite

    def close(self) -> None:
        self._connection.close()


class DbapiSource(_Base):
    """Any DB-API 2 connection: rows in chunks, turned into Arrow columns here."""

    def __init__(self, connection: Any, *, paramstyle: str = "qmark", chunk: int = 50_000) -> None:
        self._connection = connection
        self._paramstyle = paramstyle
        self._chunk = chunk

    def batches(self, sql: str, params: Sequence[Any] = ()) -> Iterator[pa.RecordBatch]:
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql if self._paramstyle == "qmark" else sql.replace("?", "%s"), tuple(params))
            names = [d[0] for d in cursor.description]
            while rows := cursor.fetchmany(self._chunk):
                columns = list(zip(*rows, strict=True))
                yield pa.RecordBatch.from_arrays([pa.array(c) for c in columns], names=names)
        finally:
            cursor.close()
            self._connection.rollback()

    def timestamp(self, value: datetime) -> Any:
        if self._paramstyle == "qmark":  # sqlite3
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value.astimezone(UTC)

    def close(self) -> None:
        self._connection.close()


def open_source(database_url: str, *, native: bool = False) -> Source:
    """The loader's own connection (never the app's pool: it may run on a native thread under gevent).

    `native` reads SQLite through ADBC, which links its own copy of SQLite: only in a process where nothing
    else opens the database (the `python -m analytics.etl` process), because two SQLite libraries in one
    process release each other's POSIX locks (sqlite.org/howtocorrupt.html, 2.2.1). The server's own
    background loader therefore reads through Python's sqlite3, the library SQLAlchemy uses.
    """
    if database_url.startswith("sqlite"):
        path = database_url.split(":///", 1)[1]
        return AdbcSqliteSource(path) if native else DbapiSource(sqlite3.connect(path, check_same_thread=False))
    if database_url.startswith("postgresql"):
        import psycopg

        plain = "postgresql://" + database_url.split("://", 1)[1]
        connection = psycopg.connect(plain, options="-c TimeZone=UTC")  # timestamps as UTC text
        return DbapiSource(connection, paramstyle="format")
    raise ValueError(f"analytics cannot read {database_url.split(':', 1)[0]}")
