"""The demo company website (demo mode): two pages with the chat widget embedded by one script tag.

It is served by `python app.py` on its own port (`CHAT_DEMO_SITE_PORT`), so the widget runs on another
origin than the chat server, as it does on a customer's real website.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, render_template, request
from sqlalchemy import select

from chat.db import Database
from chat.models import Channel

PAGES = {
    "/": ("home.html", "Support"),
    "/pricing": ("pricing.html", "Sales"),
}


def demo_channels(database: Database) -> dict[str, int]:
    """Channel name -> id of the channels that are not deleted."""
    with database.read() as db:
        return {name: channel_id for channel_id, name in db.execute(
            select(Channel.id, Channel.name).where(Channel.is_deleted.is_(False)).order_by(Channel.id))}


def create_demo_site(chat_port: int, database: Database) -> Flask:
    site = Flask(__name__, static_folder=None, template_folder="templates/demo")

    def chat_server() -> str:
        """The chat server as this browser reaches it: the same host name, the chat server's port."""
        host = urlsplit(request.host_url).hostname or "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        return f"{request.scheme}://{host}:{chat_port}"

    def page(template: str, default_channel: str) -> Any:
        channels = demo_channels(database)
        chosen = request.args.get("channel", type=int)
        channel_id = chosen if chosen in channels.values() else channels.get(default_channel)
        if channel_id is None:
            abort(404)
        return render_template(template, chat_server=chat_server(), channel_id=channel_id, channels=channels,
                               path=request.path)

    for path, (template, channel) in PAGES.items():
        site.add_url_rule(path, template.removesuffix(".html"),
                          lambda template=template, channel=channel: page(template, channel))
    return site


def start_demo_site(host: str, port: int, chat_port: int, database: Database) -> Any:
    """Start serving in the background (gevent); returns the server."""
    from gevent.pywsgi import WSGIServer

    server = WSGIServer((host, port), create_demo_site(chat_port, database), log=None)
    server.start()
    return server
