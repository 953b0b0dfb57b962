"""The chat service: `create_app()` builds it, `python app.py` serves it with gevent."""

if __name__ == "__main__":
    from gevent import monkey

    monkey.patch_all()

import hashlib
import logging
import threading
import uuid
from datetime import timedelta
from typing import Any

from flask import Flask, jsonify

from chat import gc_pauses, sqlite_checkpoints, ws_heartbeat, ws_transport
from chat.api import api
from chat.attachment_edge import attachments
from chat.auth import auth
from chat.bus import Bus, InProcessBus
from chat.crm import LocalCrm
from chat.db import Database
from chat.housekeeping import start_housekeeping
from chat.online import LocalOnline, OnlineRegistry, RedisOnline
from chat.services import Services
from chat.settings import Config
from chat.web import register_json_errors
from chat.widget_edge import widget
from chat.ws import sock
from chat.ws_socket import OwnSocketForWebSockets
from pages._shell import create_dash
from pages._statistics_download import downloads as statistics_downloads

log = logging.getLogger("chat")


def redis_namespace(config: Config) -> str:
    """Processes that share a database share a Redis namespace, and nothing else does."""
    return hashlib.sha256(config.database_url.encode()).hexdigest()[:16]


def make_bus(config: Config) -> Bus:
    """The default bus stays in this process; with Redis every process of the deployment hears every event."""
    if not config.redis_url:
        return InProcessBus()
    from chat.redis_bus import RedisBus

    return RedisBus(config.redis_url, redis_namespace(config))


def make_online(config: Config) -> OnlineRegistry:
    if not config.redis_url:
        return LocalOnline(config.presence_grace_seconds)
    return RedisOnline(config.redis_url, redis_namespace(config), uuid.uuid4().hex[:12], config.presence_grace_seconds)


def create_app(overrides: dict[str, Any] | None = None, *, background: bool = True) -> Flask:
    """Build the app from CHAT_* settings plus `overrides`; migrate; seed demo data when asked."""
    config = Config.load(overrides)
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=1024 * 1024,
        SOCK_SERVER_OPTIONS={"max_message_size": 1024 * 1024, **ws_transport.SERVER_OPTIONS},
    )
    app.wsgi_app = OwnSocketForWebSockets(app.wsgi_app)  # type: ignore[method-assign]
    bus = make_bus(config)
    database = Database(config.database_url, bus)
    database.migrate()
    services = Services(config=config, db=database, bus=bus, crm=LocalCrm(), online=make_online(config))
    app.extensions["chat"] = services
    if config.demo:
        from chat.demo import seed_demo

        seed_demo(database)
    app.register_blueprint(auth)
    app.register_blueprint(api)
    app.register_blueprint(widget)
    app.register_blueprint(attachments)
    app.register_blueprint(statistics_downloads)
    sock.init_app(app)
    register_json_errors(app)
    create_dash(app)

    @app.get("/healthz")
    def healthz() -> Any:
        database_ok = database.ping()
        bus_ok = bus.healthy()
        body = {"ok": database_ok and bus_ok, "database": "ok" if database_ok else "down",
                "bus": bus.name if bus_ok else "down"}
        return jsonify(body), 200 if body["ok"] else 503

    if background:
        stop = threading.Event()
        app.extensions["chat_stop"] = stop
        start_housekeeping(services, stop)
        ws_heartbeat.start(config.heartbeat_seconds)
        sqlite_checkpoints.start(database, stop)
        if config.etl_interval > 0:
            from analytics.etl import start_background_etl

            start_background_etl(config.data_dir, config.database_url, config.etl_interval, stop)
        gc_pauses.start(stop)
    return app


def main() -> None:
    from gevent.pywsgi import WSGIServer

    app = create_app()
    config: Config = app.extensions["chat"].config
    server = WSGIServer((config.host, config.port), app, log=None, backlog=2048)
    print(f"Chat server on http://{config.host}:{config.port}/  (health: /healthz)", flush=True)
    if config.demo:
        from chat.demo import DEMO_LOGINS

        print("Demo logins (password 'demo'): " + ", ".join(DEMO_LOGINS), flush=True)
    if config.demo and config.demo_site_port:
        from chat.demo_site import start_demo_site

        start_demo_site(config.host, config.demo_site_port, config.port, app.extensions["chat"].db)
        print(f"Demo website with the chat widget on http://{config.host}:{config.demo_site_port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
