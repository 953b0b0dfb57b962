"""Core statements run straight on the driver's cursor, for the one write that carries most of the traffic.

SQLAlchemy spends 25-80 µs around each statement it executes (execution context, events, result object)
where the driver needs a few; on a visitor's message that was most of the write (docs/benchmarks.md). A
`Prepared` statement is compiled once per dialect by SQLAlchemy, binds its values through the column
types' own processors (so it stores exactly what the ORM stores), and runs on the cursor of the
connection the session already holds (`db.connection()`), inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ClauseElement, Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler


class Prepared:
    """`columns`: the columns an INSERT gives values for. Python-side column defaults (`default=`,
    `onupdate=`) are not applied: the statement must give those columns their values itself."""

    def __init__(self, statement: ClauseElement, columns: tuple[str, ...] | None = None) -> None:
        self.statement = statement
        self.columns = columns
        self._compiled: dict[str, _Compiled] = {}

    def run(self, connection: Connection, values: dict[str, Any]) -> Any:
        """Execute with `values` (keyed by bindparam name) in `connection`'s transaction; return the cursor."""
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.statement, self.columns, dialect)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(compiled.sql, compiled.parameters(values))
        return cursor


class _Compiled:
    def __init__(self, statement: ClauseElement, columns: tuple[str, ...] | None, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(columns) if columns else None)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self.positions = compiled.positiontup  # None where the driver takes named parameters
        self.fixed: dict[str, Any] = {}
        self.processors: dict[str, Callable[[Any], Any]] = {}
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect) or _unchanged
            if bind.required:
                self.processors[name] = process
            else:
                self.fixed[name] = process(bind.effective_value)

    def parameters(self, values: dict[str, Any]) -> dict[str, Any] | list[Any]:
        bound = dict(self.fixed)
        for name, value in values.items():
            bound[name] = self.processors.get(name, _unchanged)(value)
        return bound if self.positions is None else [bound[name] for name in self.positions]


def _unchanged(value: Any) -> Any:
    return value
