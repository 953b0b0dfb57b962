"""Python's full garbage collections kept short: under gevent, one stops every chat of the process.

A full collection walks every object that survived two younger ones. With 2,000 open sockets that is about
255,000 objects and 150 ms in which no frame is read or written; at 1,500 msg/s it came every 20 s and made
the slowest percent of messages (docs/benchmarks.md). So after each full collection its survivors are moved
to the permanent generation (`gc.freeze`), and the next one walks only what came since: a few ms.

Frozen objects are still freed as soon as nothing refers to them; only garbage cycles among them (a closed
socket's objects, say) wait, until every `FULL_PASS_SECONDS` everything is unfrozen and collected once.
"""

from __future__ import annotations

import gc
import logging
import threading
from typing import Any

log = logging.getLogger(__name__)
FULL_PASS_SECONDS = 600.0


def freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    """A `gc.callbacks` entry: what outlived a full collection is kept out of the next ones."""
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


def freeze_after_full_collections() -> None:
    if freeze_survivors not in gc.callbacks:
        gc.callbacks.append(freeze_survivors)


def full_pass() -> int:
    """Collect everything, the frozen objects included; return how many unreachable objects were found."""
    gc.unfreeze()
    return gc.collect()  # `freeze_survivors` freezes what is left


def start(stop: threading.Event, interval: float = FULL_PASS_SECONDS) -> None:
    """From now on full collections freeze their survivors; a full pass runs every `interval` seconds."""
    freeze_after_full_collections()
    gc.collect()  # what start-up built (Dash, SQLAlchemy: ~170,000 objects) is frozen from the start

    def loop() -> None:
        while not stop.wait(interval):
            found = full_pass()
            log.debug("full garbage collection pass: %d unreachable objects", found)

    threading.Thread(target=loop, name="gc-full-pass", daemon=True).start()
