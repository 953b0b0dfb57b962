"""Group commit: writes queued meanwhile share one transaction, and a failing write fails alone."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from chat.actions.errors import ActionError, invalid_input
from chat.db import Database
from chat.group_commit import GroupCommit
from chat.models import Channel
from tests.factories import make_channel


class CountingTransactions:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.count = 0

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        self.count += 1
        with self.database.write() as db:
            yield db


def _channel_names(database: Database) -> set[str]:
    with database.read() as db:
        return set(db.scalars(select(Channel.name)))


def _run_queued_behind_a_slow_write(group: GroupCommit, works: list[Callable[[Session], str]]) -> list[object]:
    """Start a write that waits until every one of `works` is queued, so those all land in the next batch."""
    running, release = threading.Event(), threading.Event()
    outcomes: list[object] = [None] * len(works)

    def slow(db: Session) -> str:
        running.set()
        release.wait(10)
        return make_channel(db, "slow").name

    def call(index: int, work: Callable[[Session], str]) -> None:
        try:
            outcomes[index] = group.run(work)
        except ActionError as error:
            outcomes[index] = error

    first = threading.Thread(target=group.run, args=(slow,))
    first.start()
    assert running.wait(10)
    callers = [threading.Thread(target=call, args=(i, work)) for i, work in enumerate(works)]
    for caller in callers:
        caller.start()
    while len(group._queue) < len(works):
        release.wait(0.01)
    release.set()
    for thread in (first, *callers):
        thread.join(10)
    return outcomes


def _named(name: str) -> Callable[[Session], str]:
    return lambda db: make_channel(db, name).name


def test_writes_queued_meanwhile_commit_together(database: Database) -> None:
    transactions = CountingTransactions(database)
    group = GroupCommit(transactions)
    names = [f"channel {i}" for i in range(20)]
    outcomes = _run_queued_behind_a_slow_write(group, [_named(name) for name in names])
    assert outcomes == names
    assert transactions.count == 2
    assert _channel_names(database) >= {"slow", *names}


def test_a_failing_write_fails_alone_and_leaves_nothing(database: Database) -> None:
    transactions = CountingTransactions(database)
    group = GroupCommit(transactions)

    def failing(db: Session) -> str:
        make_channel(db, "half written")
        raise invalid_input("no such thing")

    outcomes = _run_queued_behind_a_slow_write(group, [_named("before"), failing, _named("after")])
    assert outcomes[0] == "before" and outcomes[2] == "after"
    assert isinstance(outcomes[1], ActionError) and outcomes[1].code == "invalid_input"
    names = _channel_names(database)
    assert {"before", "after"} <= names
    assert "half written" not in names
    assert transactions.count == 1 + 1 + 3  # the slow one, the failed batch, then its three writes alone


def test_a_lone_write_raises_its_own_error(database: Database) -> None:
    group = GroupCommit(database.write)

    def failing(_db: Session) -> str:
        raise invalid_input("bad")

    with pytest.raises(ActionError):
        group.run(failing)
    assert group.run(_named("next")) == "next"
