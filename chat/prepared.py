"""Core statements run straight on the driver's connection, for the one write that carries most of the traffic.

SQLAlchemy spends 25-80 µs around each statement it executes (execution context, events, result object),
and an ORM session several hundred around each transaction, where the driver needs a few; on a visitor's
message that was most of the write (docs/benchmarks.md). A `Prepared` statement is compiled once per
dialect by SQLAlchemy and binds its values through the column types' own processors, so it stores exactly
what the ORM stores. It runs in a `DriverTransaction`: a transaction on a pooled driver connection with no
session around it (`Database.driver_write`), whose bus messages are published once it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ClauseElement
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler


class DriverTransaction:
    """An open transaction on `driver_connection` (sqlite3 or psycopg), for `Prepared` statements only."""

    def __init__(self, dialect: Dialect, driver_connection: Any) -> None:
        self.dialect = dialect
        self.driver_connection = driver_connection
        self.outbox: list[tuple[str, dict[str, Any]]] = []

    def run(self, statement: Prepared, values: dict[str, Any]) -> Any:
        """Execute `statement` with `values` (keyed by bindparam name); return the driver's cursor."""
        compiled = statement.compiled_for(self.dialect)
        cursor = self.driver_connection.cursor()
        cursor.execute(compiled.sql, compiled.parameters(values))
        return cursor

    def publish_on_commit(self, topic: str, message: dict[str, Any]) -> None:
        self.outbox.append((topic, message))


class Prepared:
    """`columns`: the columns an INSERT gives values for. Python-side column defaults (`default=`,
    `onupdate=`) are not applied: the statement must give those columns their values itself (an UPDATE
    of a model's table binds its `onupdate` columns to NULL; update a `table()` of the columns instead)."""

    def __init__(self, statement: ClauseElement, columns: tuple[str, ...] | None = None) -> None:
        self.statement = statement
        self.columns = columns
        self._compiled: dict[str, _Compiled] = {}

    def compiled_for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.statement, self.columns, dialect)
        return compiled


class _Compiled:
    def __init__(self, statement: ClauseElement, columns: tuple[str, ...] | None, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(columns) if columns else None)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        fixed: dict[str, Any] = {}
        processors: dict[str, Callable[[Any], Any] | None] = {}
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.required:
                processors[name] = process
            else:
                fixed[name] = process(bind.effective_value) if process else bind.effective_value
        self.fixed = fixed
        self.processors = processors
        positions = compiled.positiontup  # None where the driver takes named parameters
        self.slots: list[tuple[str, Callable[[Any], Any] | None, bool]] = [
            (name, processors.get(name), name in fixed) for name in positions or ()]
        self.named = positions is None

    def parameters(self, values: dict[str, Any]) -> dict[str, Any] | list[Any]:
        if self.named:
            bound = dict(self.fixed)
            for name, value in values.items():
                process = self.processors.get(name)
                bound[name] = process(value) if process else value
            return bound
        done: dict[str, Any] = {}  # a value named twice (`now` in SET and WHERE) is processed once
        row: list[Any] = []
        for name, process, is_fixed in self.slots:
            if is_fixed:
                row.append(self.fixed[name])
            elif name in done:
                row.append(done[name])
            else:
                value = values[name]
                done[name] = value = process(value) if process else value
                row.append(value)
        return row
