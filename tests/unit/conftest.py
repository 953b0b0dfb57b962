from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chat.bus import InProcessBus
from chat.db import Database


class RecordingBus(InProcessBus):
    """The real in-process bus, remembering what was published so tests can assert on it."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[tuple[str, dict[str, Any]]] = []

    def publish(self, topic: str, message: dict[str, Any]) -> None:
        self.published.append((topic, message))
        super().publish(topic, message)


@pytest.fixture
def bus() -> RecordingBus:
    return RecordingBus()


@pytest.fixture
def database(tmp_path: Path, bus: RecordingBus) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'unit.db'}", bus)
    database.migrate()
    yield database
    database.dispose()
