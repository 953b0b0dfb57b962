"""The visitor widget's edge: `/widget.js`, the widget's REST calls under /api/v1/visitor, the origin
check and CORS for every visitor call, and `/demo` (a redirect to the demo company website)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from chat.access import access_session_for_visitor
from chat.actions.attachments import ALLOWED_TYPES
from chat.actions.availability import channel_is_available
from chat.actions.errors import ActionError, invalid_state, not_found
from chat.actions.faq import faq_suggestions
from chat.actions.messages import MAX_MESSAGE_LENGTH
from chat.actions.queue_estimate import queue_info
from chat.actions.transcripts import TranscriptRequest, build_transcript, check_transcript_request, do_record_transcript
from chat.api import handles_errors
from chat.channel_watch import channel_version
from chat.mail import Mailer
from chat.models import Channel, utcnow
from chat.tokens import VisitorTokens
from chat.web import json_error, ok, services
from chat.widget_origins import add_cors_headers, check_visitor_origin

ASSETS = Path(__file__).resolve().parent.parent / "assets"
# Concatenated in this order inside one function scope: later parts use what earlier parts define.
WIDGET_PARTS = ("widget-text.js", "widget-dom.js", "widget-store.js", "widget-link.js", "widget-forms.js",
                "widget-chat.js", "widget-flows.js", "widget-events.js", "widget-actions.js", "widget-live.js",
                "widget.js")
MAILER_KEY = "chat_mailer"

widget = Blueprint("widget", __name__)
widget.before_app_request(check_visitor_origin)
widget.after_app_request(add_cors_headers)


@widget.record_once
def _set_up_mail(state: BlueprintSetupState) -> None:
    extensions = state.app.extensions
    extensions[MAILER_KEY] = Mailer(extensions["chat"].config)


def mailer() -> Mailer:
    found: Mailer = current_app.extensions[MAILER_KEY]
    return found


def bearer_visitor_id() -> int:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return VisitorTokens(services().config.secret_key).visitor_id(token)


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ActionError("invalid_input", "Send a JSON object.")
    return data


@lru_cache(maxsize=4)
def _bundle(stamp: tuple[float, ...]) -> tuple[str, str]:
    css = (ASSETS / "widget.css").read_text(encoding="utf-8")
    parts = [f"/* --- {name} --- */\n" + (ASSETS / name).read_text(encoding="utf-8") for name in WIDGET_PARTS]
    head = "(function () {\n\"use strict\";\nvar WIDGET_CSS = " + json.dumps(css) + ";\n"
    body = head + "\n".join(parts) + "\n}());\n"
    return body, hashlib.sha256(body.encode()).hexdigest()[:32]


@widget.get("/widget.js")
def widget_js() -> Response:
    """One script for every site: the parts in WIDGET_PARTS and widget.css, revalidated by ETag."""
    stamp = tuple((ASSETS / name).stat().st_mtime for name in (*WIDGET_PARTS, "widget.css"))
    body, etag = _bundle(stamp)
    response = Response(body, mimetype="application/javascript")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response.make_conditional(request)


@widget.get("/demo")
def demo_redirect() -> Any:
    config = services().config
    if not config.demo or not config.demo_site_port:
        return json_error("not_found", "The demo website runs only in demo mode (CHAT_DEMO=1).")
    host = urlsplit(request.host_url).hostname or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    return redirect(f"{request.scheme}://{host}:{config.demo_site_port}/")


@widget.get("/api/v1/visitor/channels/<int:channel_id>")
@handles_errors
def channel_config(channel_id: int) -> Any:
    """Everything the widget needs before a chat starts."""
    config = services().config
    with services().db.read() as db:
        channel = db.get(Channel, channel_id)
        if channel is None or channel.is_deleted:
            raise not_found(f"Channel {channel_id}")
        return ok(channel={
            "id": channel.id, "name": channel.name, "language": channel.language,
            "badge_header": channel.badge_header, "description": channel.description,
            "prechat_enabled": channel.prechat_enabled, "prechat_required_fields": channel.prechat_required_fields,
            "consent_text": channel.consent_text, "rating_text": channel.rating_text,
            "queue_message": channel.queue_message, "has_faq": channel.faq_folder_id is not None,
            "request_from_queue_after_minutes": channel.request_from_queue_after_minutes,
            "request_from_queue_length": channel.request_from_queue_length,
            "widget": channel.widget, "available": channel_is_available(db, channel, utcnow()),
            "offer_transcript": channel.offer_transcript, "version": channel_version(channel),
        }, limits={
            "message_chars": MAX_MESSAGE_LENGTH,
            "upload_max_bytes": config.upload_max_bytes,
            "upload_extensions": sorted(ALLOWED_TYPES),
            "heartbeat_seconds": config.heartbeat_seconds,
        }, features={"transcript_email": mailer().available})


@widget.get("/api/v1/visitor/channels/<int:channel_id>/faq")
@handles_errors
def faq(channel_id: int) -> Any:
    question = request.args.get("q", "")[:MAX_MESSAGE_LENGTH]
    with services().db.read() as db:
        channel = db.get(Channel, channel_id)
        if channel is None or channel.is_deleted:
            raise not_found(f"Channel {channel_id}")
        found = faq_suggestions(db, channel, question)
    return ok(articles=[{"id": s.id, "question": s.question, "answer": s.answer} for s in found])


@widget.get("/api/v1/visitor/sessions/<int:session_id>/queue")
@handles_errors
def queue(session_id: int) -> Any:
    visitor_id = bearer_visitor_id()
    with services().db.read() as db:
        info = queue_info(db, access_session_for_visitor(db, visitor_id, session_id))
        return ok(queue=info.as_dict() if info else None)


@widget.post("/api/v1/visitor/sessions/<int:session_id>/transcript")
@handles_errors
def email_transcript(session_id: int) -> Any:
    """Mail is sent outside any transaction; the record of it (staff only) is written after."""
    visitor_id = bearer_visitor_id()
    form = TranscriptRequest.model_validate(json_body())
    svc = services()
    if not mailer().available:
        raise invalid_state("E-mail is not set up on this chat server.")
    with svc.db.read() as db:
        chat = access_session_for_visitor(db, visitor_id, session_id)
        address, zone, language = check_transcript_request(db, chat, form)
        message = build_transcript(db, chat, to=address, sender=svc.config.mail_from, language=language, zone=zone)
    mailer().deliver(message)
    with svc.db.write() as db:
        do_record_transcript(db, access_session_for_visitor(db, visitor_id, session_id, for_update=True), address)
    return ok(sent_to=address), 202
