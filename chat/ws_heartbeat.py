"""WebSocket heartbeat: one greenlet pings all open sockets, instead of a timed wait in every socket's reader.

simple-websocket pings on its own when given a `ping_interval`, but then its reader waits in a selector
with a timeout for every frame it reads: a watcher and a timer set up and torn down per message. Here the
readers block in a plain `recv`, and one greenlet per process pings every socket once each interval. A
socket whose previous ping got no pong is closed (1008, as simple-websocket closes it) and shut down, which
wakes its reader; the connection then ends as when the client goes away.

The sockets are dealt into `SLICES` slices and one slice is pinged every interval / `SLICES`: pinging
thousands of sockets at once, and reading their pongs, stalled every chat of the process for a tenth of
a second each interval (docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
import weakref
from typing import Any

from wsproto.events import Ping

PING_TIMEOUT = 1008
YIELD_EVERY = 10
SLICES = 200  # at the default 20 s, a slice every 0.1 s

_slices: list[weakref.WeakSet[Any]] = [weakref.WeakSet() for _ in range(SLICES)]
_dealt = itertools.count()
_interval: list[float] = []


def watch(ws: Any) -> None:
    """Keep `ws` in the heartbeat until it closes (or is collected)."""
    ws.pong_received = True
    _slices[next(_dealt) % SLICES].add(ws)


def start(interval_seconds: float) -> None:
    """Ping every socket once each `interval_seconds` from now on (the greenlet starts once per process; a
    later call changes the interval)."""
    first = not _interval
    _interval[:] = [interval_seconds]
    if first:
        threading.Thread(target=_sweep_forever, name="ws-heartbeat", daemon=True).start()


def _sweep_forever() -> None:
    for slice_number in itertools.cycle(range(SLICES)):
        time.sleep(_interval[0] / SLICES)
        sweep(_slices[slice_number])


def sweep(sockets: weakref.WeakSet[Any]) -> None:
    """Ping each of `sockets`; close those that did not answer the previous ping."""
    for index, ws in enumerate(list(sockets)):
        if index % YIELD_EVERY == 0:
            time.sleep(0)  # let the chats run between pings
        if not ws.connected:
            sockets.discard(ws)
        elif ws.pong_received:
            ws.pong_received = False
            with contextlib.suppress(OSError):
                ws.sock.send(ws.ws.send(Ping()))
        else:
            sockets.discard(ws)
            with contextlib.suppress(Exception):  # the socket may be failing in every way already
                ws.close(reason=PING_TIMEOUT, message="Ping/Pong timeout")
            with contextlib.suppress(OSError):
                ws.sock.shutdown(socket.SHUT_RDWR)
