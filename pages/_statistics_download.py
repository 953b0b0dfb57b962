"""Export downloads for the statistics page: built off the event loop, then streamed with their length."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, request

from analytics.exports import CHAT_FORMATS, SUMMARY_FORMATS, file_size, stream_file
from analytics.snapshot import NoSnapshotError
from pages._auth import STATISTICS_ROLES, require_viewer, services
from pages._statistics_data import build_export

downloads = Blueprint("statistics_downloads", __name__)
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
BOM = "\ufeff".encode()  # Excel reads UTF-8 CSV (å, ä, ö) correctly only with it


@downloads.get("/statistics/export/<dataset>.<fmt>")
def export(dataset: str, fmt: str) -> Response | tuple[Response, int]:
    require_viewer(*STATISTICS_ROLES)
    allowed = CHAT_FORMATS if dataset == "chats" else SUMMARY_FORMATS if dataset == "summary" else ()
    if fmt not in allowed:
        abort(404)
    try:
        path, name = build_export(services().config.data_dir, dataset, fmt, request.args.to_dict())
    except NoSnapshotError:
        return jsonify(error={"code": "not_ready", "message": "The statistics are being prepared."}), 503
    prefix = BOM if fmt == "csv" else b""
    response = Response(stream_file(path, prefix), content_type=MEDIA_TYPES[fmt], direct_passthrough=True)
    response.headers["Content-Length"] = str(file_size(path) + len(prefix))
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
