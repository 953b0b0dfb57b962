"""`after_ready_sockets` under gevent, in a process of its own (monkey-patching is for the whole process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import socket
    import gevent
    from chat.spawn import after_ready_sockets

    # A socket that is readable now is served before the caller goes on.
    left, right = socket.socketpair()
    served = []
    reader = gevent.spawn(lambda: served.append(left.recv(10)))
    gevent.sleep(0.01)  # the reader now waits on its socket
    right.send(b"hello")
    after_ready_sockets()
    print("served", served == [b"hello"])

    # A loop that never goes idle does not keep the caller waiting for ever (MAX_WAIT_SECONDS).
    def busy():
        while True:
            gevent.sleep(0)
    spinner = gevent.spawn(busy)
    after_ready_sockets()
    print("returned", True)
    spinner.kill()
""")


def test_after_ready_sockets_serves_readable_sockets_first_and_returns_under_load() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], check=False, cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["served", "True", "returned", "True"]

