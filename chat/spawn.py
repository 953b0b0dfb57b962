"""Start a short task beside the caller: a bare greenlet when gevent serves the process, else a thread.

Each visitor message starts up to three such tasks (the group commit's writer, and a sender for each socket
that gets a frame). Under gevent `_thread.start_new_thread` builds a full `Greenlet` (links, a name, a
value to join on) that nobody uses; `gevent.spawn_raw` starts the same function for about a fifth less.

`after_ready_sockets` lets a task wait until the loop has served every socket that is readable now.
"""

from __future__ import annotations

import _thread
from collections.abc import Callable

import gevent
from gevent import monkey, spawn_raw

MAX_WAIT_SECONDS = 0.002


def start_soon(task: Callable[[], None]) -> None:
    """`task` must handle its own errors: nobody joins it."""
    if monkey.is_module_patched("threading"):
        spawn_raw(task)
    else:
        _thread.start_new_thread(task, ())


def after_ready_sockets() -> None:
    """Under gevent, return once the loop has nothing ready to run (its next idle turn), or after
    `MAX_WAIT_SECONDS` when it stays busy; elsewhere return at once."""
    if monkey.is_module_patched("threading"):
        with gevent.Timeout(MAX_WAIT_SECONDS, False):
            gevent.idle()
