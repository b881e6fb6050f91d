"""JSON answers for the read paths that skip DRF's serializers (docs/api.md, "Read paths").

The bytes are what DRF's JSONRenderer writes for the same data (compact,
UTF-8, U+2028/U+2029 escaped for JavaScript), encoded by orjson; moments are
what DRF's DateTimeField writes. journal_site/tests/test_fastjson.py compares
both.
"""

from datetime import datetime, tzinfo

import orjson
from django.http import HttpResponse


def iso_datetime(value: datetime | None, zone: tzinfo) -> str | None:
    """DRF's DateTimeField output: ISO 8601 in `zone` (the active one), UTC written as Z."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def json_bytes(data) -> bytes:
    encoded = orjson.dumps(data)
    if b"\xe2\x80\xa8" in encoded or b"\xe2\x80\xa9" in encoded:
        encoded = encoded.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
    return encoded


def json_response(data, *, status: int = 200) -> HttpResponse:
    return HttpResponse(json_bytes(data), status=status, content_type="application/json")
