"""What every export of this journal carries: its format name, version and the entry fingerprint.

docs/api.md ("Statistics, export and import") describes the formats.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

EXPORT_FORMATS = ("json", "markdown", "csv")
EXPORT_FORMAT_NAME = "journal-export"
EXPORT_VERSION = 1


def entry_fingerprint(*, created_at: datetime, title: str, content: str) -> str:
    """A stable id for an entry that has none: the same date, title and text give the same id anywhere."""
    digest = hashlib.sha256(
        "\x1f".join((created_at.astimezone(UTC).isoformat(), title, content)).encode("utf-8", "surrogatepass")
    )
    return f"journal:{digest.hexdigest()[:40]}"


def json_compact(value: Any) -> str:
    """JSON without spaces, letters as they are (Polish text stays readable in a file)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
