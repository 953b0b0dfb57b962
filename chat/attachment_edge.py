"""Attachments over REST: upload (the file is the request body, its name in `?filename=`), the list of
a chat's files with signed download links, and the download itself.

A download link is signed (itsdangerous, salt `attachment`) and valid for `LINK_MAX_AGE`, so an `<img>`
or a plain link can fetch it without the visitor token; staff may also fetch with their session cookie.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, send_file
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from chat.access import Need, access_session_for_agent, access_session_for_visitor
from chat.actions.attachments import (
    IMAGE_TYPES,
    FileStore,
    Upload,
    do_agent_upload,
    do_visitor_upload,
    human_size,
    session_attachments,
)
from chat.actions.errors import ActionError, not_found
from chat.api import handles_errors
from chat.auth import current_user_id
from chat.models import Attachment, User
from chat.web import ok, services
from chat.widget_edge import bearer_visitor_id

LINK_MAX_AGE = 7 * 24 * 3600
DOWNLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

attachments = Blueprint("attachments", __name__, url_prefix="/api/v1")


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(services().config.secret_key, salt="attachment")


def _store() -> FileStore:
    config = services().config
    return FileStore(config.data_dir / "attachments", config.upload_max_bytes)


def describe(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "uploaded_by": attachment.uploaded_by.value,
        "is_image": attachment.content_type in IMAGE_TYPES.values(),
        "url": f"{request.host_url}api/v1/attachments/{attachment.id}?sig={_signer().dumps(attachment.id)}",
    }


def _upload_body() -> Upload:
    """Refuses before reading when the declared size is already too big."""
    limit = services().config.upload_max_bytes
    if (request.content_length or 0) > limit:
        raise ActionError("too_large", f"A file may be at most {human_size(limit)}.")
    request.max_content_length = limit + 1
    try:
        data = request.get_data(cache=False)
    except RequestEntityTooLarge as error:
        raise ActionError("too_large", f"A file may be at most {human_size(limit)}.") from error
    return Upload(request.args.get("filename", "")[:1000], data)


def _staff_user(db: Session) -> User:
    user_id = current_user_id()
    user = db.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise ActionError("unauthorized", "Sign in first.")
    return user


@attachments.post("/visitor/sessions/<int:session_id>/attachments")
@handles_errors
def visitor_upload(session_id: int) -> Any:
    visitor_id = bearer_visitor_id()
    upload = _upload_body()
    with services().db.write() as db:
        chat = access_session_for_visitor(db, visitor_id, session_id, for_update=True)
        attachment, message = do_visitor_upload(db, _store(), chat, upload)
        return ok(attachment=describe(attachment), seq=message.seq, message_id=message.id), 201


@attachments.get("/visitor/sessions/<int:session_id>/attachments")
@handles_errors
def visitor_list(session_id: int) -> Any:
    visitor_id = bearer_visitor_id()
    with services().db.read() as db:
        access_session_for_visitor(db, visitor_id, session_id)
        return ok(attachments=[describe(a) for a in session_attachments(db, session_id)])


@attachments.post("/sessions/<int:session_id>/attachments")
@handles_errors
def agent_upload(session_id: int) -> Any:
    upload = _upload_body()
    with services().db.write() as db:
        user = _staff_user(db)
        chat = access_session_for_agent(db, user, session_id, Need.OWN, for_update=True)
        attachment, message = do_agent_upload(db, _store(), chat, user, upload)
        return ok(attachment=describe(attachment), seq=message.seq, message_id=message.id), 201


@attachments.get("/attachments/<int:attachment_id>")
@handles_errors
def download(attachment_id: int) -> Any:
    """With a signed `sig`, or as staff who may read the chat."""
    with services().db.read() as db:
        attachment = db.get(Attachment, attachment_id)
        if attachment is None:
            raise not_found(f"Attachment {attachment_id}")
        signature = request.args.get("sig")
        if signature is not None:
            try:
                signed_id = _signer().loads(signature, max_age=LINK_MAX_AGE)
            except BadSignature as error:
                raise ActionError("forbidden", "This download link is invalid or has expired.") from error
            if signed_id != attachment_id:
                raise ActionError("forbidden", "This download link is for another file.")
        else:
            access_session_for_agent(db, _staff_user(db), attachment.session_id, Need.READ)
    path = _store().path(attachment.storage_key)
    if not path.is_file():
        raise not_found(f"The file of attachment {attachment_id}")
    response: Response = send_file(path, mimetype=attachment.content_type, download_name=attachment.filename,
                                   as_attachment=attachment.content_type not in IMAGE_TYPES.values(),
                                   conditional=True, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
