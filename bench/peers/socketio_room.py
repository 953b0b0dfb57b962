"""Flask-SocketIO's minimal chat room: join a room, emit every message to the room.

What a Python team would pick instead of the product. Served the way Flask-SocketIO recommends for
production without extra packages: `socketio.run()` on gevent (WebSockets through simple-websocket,
the same WebSocket stack as the product). Nothing is stored.

    python bench/peers/socketio_room.py --port 8060
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins="*")


@socketio.on("join")
def on_join(room: str) -> bool:
    join_room(room)
    return True


@socketio.on("message")
def on_message(data: dict[str, Any]) -> None:
    emit("message", data, to=data["room"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    socketio.run(app, host=args.host, port=args.port, log_output=False, backlog=2048)


if __name__ == "__main__":
    main()
