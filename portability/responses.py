"""The HTTP response that carries an export: streamed, named by date, never cached.

The JSON export of a user with photos is a zip of the JSON and the photos (exports.export_json_zip_stream).
"""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts.activity import activity_record
from accounts.timezones import user_zone
from portability.exports import EXPORTS, export_json_zip_stream, user_has_photos


def export_response(*, user, fmt: str) -> StreamingHttpResponse:
    stream, content_type, extension = EXPORTS[fmt]
    if fmt == "json" and user_has_photos(user=user):
        stream, content_type, extension = export_json_zip_stream, "application/zip", "zip"
    activity_record(user_id=user.pk, kind="export", details={"format": fmt})  # in the owner's activity log
    today = timezone.localtime(timezone.now(), user_zone(user=user)).date()
    response = StreamingHttpResponse(stream(user=user), content_type=content_type)
    suffix = "-entries" if fmt != "json" else ""
    response["Content-Disposition"] = f'attachment; filename="journal-{today.isoformat()}{suffix}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response
