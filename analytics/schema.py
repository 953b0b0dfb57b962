"""The warehouse's tables in DuckDB, the chat outcomes, and the per-chat columns every export carries.

All `*_at` columns are UTC timestamps; `requested_local` is the wall-clock time in the channel's time zone
(used for date filters, the hour × weekday heatmap and the staffing planner).
"""

from __future__ import annotations

import duckdb

OUTCOMES: tuple[str, ...] = (
    "answered",            # an agent took the chat (started_at is set)
    "missed_in_queue",     # queued, never answered: the visitor left or the queue timed out
    "closed_from_queue",   # queued, never answered: staff closed it from the queue
    "offline_request",     # nobody could answer; the visitor left a request on the offline form
    "request_from_queue",  # the visitor gave up waiting and left a request instead
)
QUEUED_OUTCOMES = ("answered", "missed_in_queue", "closed_from_queue", "request_from_queue")

TABLES: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS channels (
        channel_id INTEGER, name VARCHAR, language VARCHAR, service_level_seconds INTEGER,
        time_zone VARCHAR, is_deleted BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS agents (
        agent_id INTEGER, username VARCHAR, display_name VARCHAR, role VARCHAR, is_active BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS memberships (agent_id INTEGER, channel_id INTEGER, can_respond BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS chats (
        chat_id BIGINT, channel_id INTEGER, agent_id INTEGER, first_agent_id INTEGER, agent_ids INTEGER[],
        contact_id INTEGER, contact VARCHAR, company_id INTEGER, company VARCHAR,
        visitor_name VARCHAR, visitor_email VARCHAR, language VARCHAR,
        requested_at TIMESTAMP, started_at TIMESTAMP, first_response_at TIMESTAMP, ended_at TIMESTAMP,
        requested_local TIMESTAMP, queue_position INTEGER,
        wait_seconds DOUBLE, first_response_seconds DOUBLE, handle_seconds DOUBLE,
        visitor_messages INTEGER, agent_messages INTEGER, transfers INTEGER,
        outcome VARCHAR, rating INTEGER, rating_comment VARCHAR, ended_by VARCHAR,
        source_updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS messages (
        message_id BIGINT, chat_id BIGINT, seq INTEGER, side VARCHAR, author_id INTEGER,
        system_event VARCHAR, body VARCHAR, sent_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS transfers (
        transfer_id BIGINT, chat_id BIGINT, from_agent_id INTEGER, to_agent_id INTEGER, state VARCHAR,
        requested_at TIMESTAMP, resolved_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS presence_events (
        event_id BIGINT, agent_id INTEGER, presence VARCHAR, changed_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS etl_state (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    # A 'present' event opens an interval that the agent's next presence event closes; an interval still
    # open ends at the moment the data was last loaded.
    """CREATE OR REPLACE VIEW presence_intervals AS
        SELECT agent_id, changed_at AS started_at,
               coalesce(next_at, (SELECT CAST(value AS TIMESTAMP) FROM etl_state WHERE key = 'loaded_at')) AS ended_at
        FROM (SELECT agent_id, presence, changed_at,
                     lead(changed_at) OVER (PARTITION BY agent_id ORDER BY changed_at, event_id) AS next_at
              FROM presence_events)
        WHERE presence = 'present'""",
)

# One row per chat, as exported: (column, unit or values, meaning). docs/statistics.md lists the same.
EXPORT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("chat_id", "id", "The chat's id in the chat service."),
    ("channel", "text", "Channel name."),
    ("agent", "text", "The agent who had the chat last (after any transfers)."),
    ("agents", "text", "Every agent who had the chat, separated by ', '."),
    ("contact", "text", "CRM contact linked to the chat."),
    ("company", "text", "CRM company of the contact, else the company the visitor typed."),
    ("visitor_name", "text", "Name from the pre-chat form."),
    ("visitor_email", "text", "E-mail from the pre-chat form."),
    ("language", "code", "Language of the chat (en, sv)."),
    ("requested_at", "UTC time", "When the visitor asked for the chat."),
    ("started_at", "UTC time", "When an agent took the chat; empty if never answered."),
    ("ended_at", "UTC time", "When the chat ended or left the queue."),
    ("requested_local", "local time", "`requested_at` in the channel's time zone."),
    ("queue_position", "position", "Place in the queue on arrival (1 = first); empty without a queue."),
    ("wait_seconds", "seconds", "Time in the queue: until answered, or until the visitor left it."),
    ("first_response_seconds", "seconds", "From the agent taking the chat to the agent's first message."),
    ("handle_seconds", "seconds", "From the agent taking the chat to its end."),
    ("visitor_messages", "count", "Messages written by the visitor."),
    ("agent_messages", "count", "Messages written by agents (whispers not included)."),
    ("transfers", "count", "Accepted transfers to another agent."),
    ("outcome", "|".join(OUTCOMES), "How the chat ended; see Outcomes."),
    ("rating", "1-5", "The visitor's rating; empty if not rated."),
    ("rating_comment", "text", "The visitor's comment with the rating."),
)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    for statement in TABLES:
        con.execute(statement)


def state(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM etl_state WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def set_state(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO etl_state VALUES (?, ?)", [key, value])
