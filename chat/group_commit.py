"""Group commit: the writes that sockets queue while a transaction runs share the next one.

Beginning and committing cost more than the few statements of a visitor's message
(docs/benchmarks.md), and under load many sockets are waiting to write at once. One writer at a time
takes everything queued and runs it in a single transaction; each caller waits for that commit, so it
still answers its client only once its write is durable and published. When one write of a batch fails,
the batch is rolled back and its writes run again one transaction each, so a failure (an `ActionError`
the caller reports) belongs to its own write only. Before each batch the writer lets the loop serve every
socket that is readable now (`after_ready_sockets`): at 2,000 msg/s and more, half the batches held one
write without it.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

from chat.spawn import after_ready_sockets, start_soon

T = TypeVar("T")
Tx = TypeVar("Tx")
MAX_BATCH = 100


class _Queued(Generic[Tx, T]):
    def __init__(self, work: Callable[[Tx], T]) -> None:
        self.work = work
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = RuntimeError("the writer stopped before this write ran")


class GroupCommit(Generic[Tx]):
    """`transaction()` opens one transaction and commits it on leaving; the works of a batch run inside."""

    def __init__(self, transaction: Callable[[], AbstractContextManager[Tx]]) -> None:
        self._transaction = transaction
        self._queue: deque[_Queued[Tx, Any]] = deque()
        self._lock = threading.Lock()
        self._writing = False

    def run(self, work: Callable[[Tx], T]) -> T:
        """Run `work(transaction)` in a transaction that may hold other queued writes; return once it committed."""
        queued: _Queued[Tx, T] = _Queued(work)
        with self._lock:
            self._queue.append(queued)
            start_writer = not self._writing
            self._writing = True
        if start_writer:
            start_soon(self._write_until_empty)
        queued.done.wait()
        if queued.error is not None:
            raise queued.error
        return queued.result  # type: ignore[return-value]  # set when error is None

    def _write_until_empty(self) -> None:
        try:
            for batch in self._batches():
                try:
                    self._write(batch)
                finally:
                    for queued in batch:
                        queued.done.set()
        except BaseException:  # killed (the process is stopping): the next write starts a writer again
            with self._lock:
                self._writing = False
            raise

    def _batches(self) -> Iterator[list[_Queued[Tx, Any]]]:
        while True:
            after_ready_sockets()  # the writes of every socket readable now join this batch
            with self._lock:
                if not self._queue:
                    self._writing = False
                    return
                batch = [self._queue.popleft() for _ in range(min(len(self._queue), MAX_BATCH))]
            yield batch

    def _write(self, batch: list[_Queued[Tx, Any]]) -> None:
        try:
            with self._transaction() as transaction:
                results = [queued.work(transaction) for queued in batch]
        except Exception as error:  # noqa: BLE001 - handed to the caller whose write it was
            if len(batch) == 1:
                batch[0].error = error
            else:
                for queued in batch:
                    self._write([queued])
            return
        for queued, result in zip(batch, results, strict=True):
            queued.result, queued.error = result, None
