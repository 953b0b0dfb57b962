"""py-spy on a server process during a load step: where its one core goes, grouped by layer.

`py-spy record --format raw` writes one line per distinct stack: `frame;frame;...;leaf COUNT`, with frames
as `function (package/file.py)`. Idle samples (the gevent hub waiting in epoll) are not recorded, so the
samples over duration x rate is how busy the process was. C code (sqlite3, zlib, the json encoder) is
charged to the Python function that called it.
"""

from __future__ import annotations

import subprocess
import sys
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil

RATE = 100
# A native worker thread of gevent's pool (SQLite checkpoints) waiting for its next task: py-spy does not
# see it as idle, but /proc shows it takes no CPU.
WAITING = frozenset({"acquire_with_timeout (gevent/_threading.py)"})
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("SQLite calls (sqlite3 C code: execute, fetch, commit; the cursor calls of chat/prepared.py)",
     ("sqlalchemy/engine/default.py", "chat/prepared.py")),
    ("PostgreSQL driver (psycopg)", ("psycopg/", "psycopg_binary/")),
    ("Redis client", ("redis/",)),
    ("SQLAlchemy (ORM, Core, pool)", ("sqlalchemy/",)),
    ("WebSocket frames + permessage-deflate (wsproto, zlib)", ("wsproto/",)),
    ("simple-websocket / flask-sock", ("simple_websocket/", "flask_sock/")),
    ("gevent (hub, sockets, queues, locks)", ("gevent/",)),
    ("json", ("json/",)),
    ("pydantic (frame validation)", ("pydantic/", "pydantic_core/")),
    ("Flask / Werkzeug", ("flask/", "werkzeug/")),
    ("Engine.IO / Socket.IO", ("engineio/", "socketio/")),
    ("the product's own code (chat/)", ("chat/",)),
    ("stdlib and other", ("",)),
)


@dataclass
class Profile:
    seconds: float
    samples: int = 0
    layers: list[tuple[str, float]] = field(default_factory=list)  # share of busy samples, by leaf frame
    product: list[tuple[str, float]] = field(default_factory=list)  # product functions, inclusive share
    leaves: list[tuple[str, float]] = field(default_factory=list)  # functions, self share

    @property
    def busy(self) -> float:
        return self.samples / (self.seconds * RATE) if self.seconds else 0.0


def start(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    py_spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen([str(py_spy), "record", "--pid", str(pid), "--duration", str(int(seconds)),
                             "--rate", str(RATE), "--format", "raw", "--nolineno", "--nonblocking",
                             "--output", str(output)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _file(frame: str) -> str:
    return frame[frame.rfind("(") + 1:].rstrip(")") if "(" in frame else ""


def _layer(frame: str) -> str:
    path = _file(frame)
    return next(name for name, marks in LAYERS if any(mark in path for mark in marks))


def summarize(raw: Path, seconds: float) -> Profile:
    layers: Counter[str] = Counter()
    product: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        if frames[-1].strip() in WAITING:
            continue
        total += count
        layers[_layer(frames[-1])] += count
        leaves[frames[-1].strip()] += count
        for name in {f.strip() for f in frames if _file(f).startswith("chat/")}:
            product[name] += count
    share = 1 / total if total else 0.0
    return Profile(
        seconds=seconds, samples=total,
        layers=[(name, n * share) for name, n in layers.most_common()],
        product=[(name, n * share) for name, n in product.most_common(14)],
        leaves=[(name, n * share) for name, n in leaves.most_common(12)],
    )


def finish(process: subprocess.Popen[bytes], raw: Path, seconds: float) -> Profile | None:
    _out, err = process.communicate(timeout=seconds + 60)
    if process.returncode != 0 or not raw.exists():
        print(f"py-spy failed: {err.decode()[-500:]}", flush=True)
        return None
    return summarize(raw, seconds)


def deflate_state_kb(count: int = 2000) -> tuple[float, float]:
    """Resident KB of one permessage-deflate compressor and decompressor as wsproto makes them (window bits 15,
    zlib's default memLevel) once they have carried a short JSON frame: what every socket that has sent and
    received one frame holds until it closes."""
    process = psutil.Process()
    frame = b'{"type":"synced","session_id":123456,"seq":0}'
    before = process.memory_info().rss
    compressors = []
    for _ in range(count):
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        compressor.compress(frame)
        compressor.flush(zlib.Z_SYNC_FLUSH)
        compressors.append(compressor)
    middle = process.memory_info().rss
    packed = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    payload = packed.compress(frame) + packed.flush(zlib.Z_SYNC_FLUSH)
    decompressors = []
    for _ in range(count):
        decompressor = zlib.decompressobj(-15)
        decompressor.decompress(payload)
        decompressors.append(decompressor)
    after = process.memory_info().rss
    return (middle - before) / 1024 / count, (after - middle) / 1024 / count
