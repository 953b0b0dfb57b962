"""Loading the warehouse: dimensions, presence events and finished chats with their messages and transfers.

Chats are read by the watermark (updated_at, id) of `chat_sessions`; every batch is one DuckDB transaction
that also advances the watermark, so a load interrupted anywhere resumes after its last whole batch, and a
chat already loaded with the same `updated_at` is skipped (running a load twice changes nothing). A chat
is (re)loaded whole whenever its row changes: ending, rating and reopening touch it. Only finished chats
are loaded, so a visitor's message in the same turn of a chat going on does not.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa

from analytics import source as sql
from analytics.schema import ensure_schema, set_state, state
from analytics.source import Source

LOOKBACK = timedelta(seconds=120)  # re-read recent changes: commits may land slightly out of timestamp order
BATCH_CHATS = 50_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Progress = Callable[[int], None]


def ts(column: str) -> str:
    """Source text (UTC, no offset: SQLite's own format, PostgreSQL sessions run in UTC) -> TIMESTAMP."""
    return f"CAST(NULLIF({column}, '') AS TIMESTAMP)"


def seconds(start: str, end: str) -> str:
    return f"date_diff('microsecond', {start}, {end}) / 1e6"


STAGE = f"""
SELECT CAST(chat_id AS BIGINT) AS chat_id, CAST(channel_id AS INTEGER) AS channel_id,
       CAST(agent_id AS INTEGER) AS agent_id, CAST(contact_id AS INTEGER) AS contact_id,
       CAST(company_id AS INTEGER) AS company_id, NULLIF(contact, '') AS contact, NULLIF(company, '') AS company,
       status, NULLIF(language, '') AS language, NULLIF(visitor_name, '') AS visitor_name,
       NULLIF(visitor_email, '') AS visitor_email, {ts('requested_at')} AS requested_at,
       {ts('started_at')} AS started_at, {ts('first_response_at')} AS first_response_at,
       {ts('ended_at')} AS ended_at, CAST(queue_position AS INTEGER) AS queue_position,
       CAST(rating AS INTEGER) AS rating, NULLIF(rating_comment, '') AS rating_comment,
       NULLIF(ended_by, '') AS ended_by, {ts('updated_at')} AS updated_at
FROM batch_raw
"""
# Sessions still open, and visitors who closed the pre-chat form without ever queueing, are not chats.
LOADABLE = """s.status IN ('ended', 'closed_from_queue', 'request_posted') AND s.ended_at IS NOT NULL
    AND NOT (s.status = 'closed_from_queue' AND s.queue_position IS NULL AND s.started_at IS NULL)"""
OUTCOME = """CASE WHEN s.started_at IS NOT NULL THEN 'answered'
    WHEN s.status = 'request_posted' AND s.queue_position IS NOT NULL THEN 'request_from_queue'
    WHEN s.status = 'request_posted' THEN 'offline_request'
    WHEN s.ended_by = 'agent' THEN 'closed_from_queue'
    ELSE 'missed_in_queue' END"""
INSERT_CHATS = f"""
INSERT INTO chats
WITH tr AS (
    SELECT chat_id, count(*) AS n, arg_min(from_agent_id, resolved_at) AS first_from,
           list(from_agent_id) || list(to_agent_id) AS involved
    FROM transfers WHERE state = 'accepted' AND chat_id IN (SELECT chat_id FROM stage) GROUP BY chat_id),
msg AS (
    SELECT chat_id, count(*) FILTER (WHERE side = 'visitor') AS v, count(*) FILTER (WHERE side = 'agent') AS a
    FROM messages WHERE chat_id IN (SELECT chat_id FROM stage) GROUP BY chat_id)
SELECT s.chat_id, s.channel_id, s.agent_id, coalesce(tr.first_from, s.agent_id),
       list_sort(list_distinct(list_filter(coalesce(tr.involved, []) || [s.agent_id], lambda x: x IS NOT NULL))),
       s.contact_id, s.contact, s.company_id, s.company, s.visitor_name, s.visitor_email, s.language,
       s.requested_at, s.started_at, s.first_response_at, s.ended_at,
       timezone(coalesce(ch.time_zone, 'UTC'), CAST(s.requested_at AS TIMESTAMPTZ)), s.queue_position,
       CASE WHEN s.started_at IS NOT NULL THEN
                CASE WHEN s.started_at >= s.requested_at THEN {seconds('s.requested_at', 's.started_at')} END
            WHEN s.queue_position IS NOT NULL THEN {seconds('s.requested_at', 's.ended_at')} END,
       CASE WHEN s.first_response_at >= s.started_at THEN {seconds('s.started_at', 's.first_response_at')} END,
       CASE WHEN s.ended_at >= s.started_at THEN {seconds('s.started_at', 's.ended_at')} END,
       coalesce(msg.v, 0), coalesce(msg.a, 0), coalesce(tr.n, 0), {OUTCOME},
       s.rating, s.rating_comment, s.ended_by, s.updated_at
FROM stage s LEFT JOIN channels ch USING (channel_id) LEFT JOIN tr USING (chat_id) LEFT JOIN msg USING (chat_id)
WHERE {LOADABLE}
"""
MESSAGES_ALL = f"""INSERT INTO messages SELECT CAST(message_id AS BIGINT), CAST(chat_id AS BIGINT),
    CAST(seq AS INTEGER), side, CAST(author_id AS INTEGER), NULLIF(system_event, ''), body, {ts('sent_at')} FROM part"""
TRANSFERS_ALL = f"""INSERT INTO transfers SELECT CAST(transfer_id AS BIGINT), CAST(chat_id AS BIGINT),
    CAST(from_agent_id AS INTEGER), CAST(to_agent_id AS INTEGER), state, {ts('requested_at')},
    {ts('resolved_at')} FROM part"""
OF_LOADABLE = f" WHERE chat_id IN (SELECT chat_id FROM stage s WHERE {LOADABLE})"
MESSAGES, TRANSFERS = MESSAGES_ALL + OF_LOADABLE, TRANSFERS_ALL + OF_LOADABLE
DIMENSIONS = (
    ("channels", sql.CHANNELS, "SELECT CAST(channel_id AS INTEGER), name, language, "
     "CAST(service_level_seconds AS INTEGER), time_zone, CAST(is_deleted AS BOOLEAN) FROM part"),
    ("agents", sql.AGENTS, "SELECT CAST(agent_id AS INTEGER), username, display_name, role, "
     "CAST(is_active AS BOOLEAN) FROM part"),
    ("memberships", sql.MEMBERSHIPS, "SELECT CAST(agent_id AS INTEGER), CAST(channel_id AS INTEGER), "
     "CAST(can_respond AS BOOLEAN) FROM part"),
)


@dataclass
class LoadResult:
    chats: int = 0  # chat rows written (new or replaced)
    removed: int = 0  # chat rows deleted (reopened) or replaced
    presence: int = 0
    dimensions: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.chats or self.removed or self.presence or self.dimensions)


def parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def refresh_dimensions(con: duckdb.DuckDBPyConnection, source: Source) -> bool:
    """Channels, agents and memberships are small: replaced whole when they differ."""
    changed = False
    for table, query, typed in DIMENSIONS:
        part = source.table(query)
        fresh = con.sql(typed).to_arrow_table() if part.num_rows else None
        current = con.sql(f"SELECT * FROM {table}").to_arrow_table()
        if fresh is None and current.num_rows == 0:
            continue
        if fresh is not None and current.num_rows and fresh.rename_columns(current.column_names).equals(current):
            continue
        con.execute("BEGIN")
        con.execute(f"DELETE FROM {table}")
        if fresh is not None:
            con.execute(f"INSERT INTO {table} SELECT * FROM fresh")
        con.execute("COMMIT")
        changed = True
    return changed


def load_presence(con: duckdb.DuckDBPyConnection, source: Source, batch: int = BATCH_CHATS) -> int:
    loaded = 0
    while True:
        after = int(state(con, "presence_event_id") or 0)
        part = source.table(sql.PRESENCE, [after, batch])
        if part.num_rows == 0:
            return loaded
        con.execute("BEGIN")
        con.execute(f"""INSERT INTO presence_events SELECT CAST(event_id AS BIGINT),
            CAST(json_extract_string(payload, '$.user_id') AS INTEGER), json_extract_string(payload, '$.presence'),
            {ts('changed_at')} FROM part""")
        set_state(con, "presence_event_id", str(part.column("event_id")[-1].as_py()))
        con.execute("COMMIT")
        loaded += part.num_rows


def apply_sessions(con: duckdb.DuckDBPyConnection, source: Source, batch_raw: pa.Table,
                   watermark: tuple[str, int] | None, *, fresh: bool = False) -> tuple[int, int]:
    """Replace the chats of one batch of changed sessions; returns (rows written, rows deleted).

    `fresh` (the full rebuild): the batch's chats are not in the warehouse yet and their messages and
    transfers were loaded beforehand, so nothing is compared, deleted or read per chat.
    """
    con.execute("BEGIN")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE stage AS {STAGE}")
        deleted = 0
        if not fresh:
            con.execute("DELETE FROM stage WHERE EXISTS (SELECT 1 FROM chats c WHERE c.chat_id = stage.chat_id "
                        "AND c.source_updated_at = stage.updated_at)")
            row = con.execute("DELETE FROM chats WHERE chat_id IN (SELECT chat_id FROM stage)").fetchone()
            deleted = int(row[0]) if row else 0
            for table in ("messages", "transfers"):
                con.execute(f"DELETE FROM {table} WHERE chat_id IN (SELECT chat_id FROM stage)")
        ids = [] if fresh else [r[0] for r in con.execute(f"SELECT chat_id FROM stage s WHERE {LOADABLE}").fetchall()]
        for base, insert in ((sql.MESSAGE_COLUMNS, MESSAGES), (sql.TRANSFER_COLUMNS, TRANSFERS)):
            for query, params in sql.rows_for(ids, base):
                part = source.table(query, params)
                if part.num_rows:
                    con.execute(insert)
        row = con.execute(INSERT_CHATS).fetchone()
        written = int(row[0]) if row else 0
        if watermark is not None:
            set_state(con, "chats_updated_at", watermark[0])
            set_state(con, "chats_id", str(watermark[1]))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return written, deleted


def load_changes(con: duckdb.DuckDBPyConnection, source: Source, *, batch: int = BATCH_CHATS,
                 progress: Progress | None = None) -> LoadResult:
    """One incremental load: dimensions, presence, then every session changed since the watermark."""
    ensure_schema(con)
    result = LoadResult(dimensions=refresh_dimensions(con, source), presence=load_presence(con, source))
    mark_text, mark_id = state(con, "chats_updated_at"), int(state(con, "chats_id") or 0)
    cursor = (source.timestamp(parse_time(mark_text) - LOOKBACK) if mark_text else source.timestamp(EPOCH), 0)
    while True:
        batch_raw = source.table(sql.SESSIONS_CHANGED, [cursor[0], cursor[0], cursor[1], batch])
        if batch_raw.num_rows == 0:
            break
        last_text = batch_raw.column("updated_at")[-1].as_py()
        last_id = batch_raw.column("chat_id")[-1].as_py()
        newer = mark_text is None or (parse_time(last_text), last_id) > (parse_time(mark_text), mark_id)
        if newer:
            mark_text, mark_id = last_text, last_id
        written, deleted = apply_sessions(con, source, batch_raw,
                                          (mark_text, mark_id) if newer and mark_text else None)
        result.chats += written
        result.removed += deleted
        if progress:
            progress(batch_raw.num_rows)
        if batch_raw.num_rows < batch:
            break
        cursor = (source.timestamp(parse_time(last_text)), last_id)
    return result


def read_ahead(batches: Iterator[pa.RecordBatch], depth: int = 2) -> Iterator[pa.RecordBatch]:
    """Read the next batches on a thread while DuckDB (which releases the GIL) inserts the current one."""
    waiting: queue.Queue[pa.RecordBatch | Exception | None] = queue.Queue(depth)

    def produce() -> None:
        try:
            for batch in batches:
                waiting.put(batch)
            waiting.put(None)
        except Exception as error:  # noqa: BLE001 - handed to the consumer, which raises it
            waiting.put(error)

    threading.Thread(target=produce, name="analytics-read-ahead", daemon=True).start()
    while (item := waiting.get()) is not None:
        if isinstance(item, Exception):
            raise item
        yield item


def load_all(con: duckdb.DuckDBPyConnection, source: Source, *, batch: int = BATCH_CHATS,
             progress: Progress | None = None) -> LoadResult:
    """Load everything into an empty warehouse (the full rebuild): messages and transfers in one table scan
    each, then the sessions by id range; finally drop the messages of sessions that are not chats."""
    ensure_schema(con)
    result = LoadResult(dimensions=refresh_dimensions(con, source), presence=load_presence(con, source))
    high = source.table(sql.SESSIONS_HIGH_WATER)
    _, max_id, max_updated = (high.column(i)[0].as_py() for i in range(3))
    con.execute("BEGIN")
    for base, insert in ((sql.MESSAGE_COLUMNS, MESSAGES_ALL), (sql.TRANSFER_COLUMNS, TRANSFERS_ALL)):
        for part in read_ahead(source.batches(base)):  # noqa: B007 - DuckDB reads `part` by name
            con.execute(insert)
    con.execute("COMMIT")
    for low in range(1, (max_id or 0) + 1, batch):
        batch_raw = source.table(sql.SESSIONS_BY_ID, [low, low + batch - 1])
        if batch_raw.num_rows:
            written, _ = apply_sessions(con, source, batch_raw, None, fresh=True)
            result.chats += written
            if progress:
                progress(batch_raw.num_rows)
    for table in ("messages", "transfers"):
        con.execute(f"DELETE FROM {table} WHERE chat_id NOT IN (SELECT chat_id FROM chats)")
    if max_updated:
        set_state(con, "chats_updated_at", max_updated)
        set_state(con, "chats_id", str(max_id))
    return result
