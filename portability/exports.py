"""Export streams: everything a user owns, written out piece by piece.

Entries and messages are read with ``iterator(chunk_size=...)`` (a server-side
cursor on PostgreSQL), so a ten-year journal never sits in memory at once.
Three shapes:

- JSON, everything the user owns: profile, entries, conversation history; for a user with photos a zip
  of that JSON and the photos' originals (docs/api.md, "Statistics, export and import").
- A zip of Markdown files, one per entry, with front matter (date, mood, emotions).
- CSV of the entries, for spreadsheets.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import tempfile
import zipfile
import zoneinfo
from collections.abc import Callable, Generator, Iterator
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from accounts.keys import unseal, unseal_row
from accounts.timezones import user_zone
from conversations.models import ConversationHistory
from diary.attachments import attachment_bytes
from diary.images import EXTENSIONS
from diary.models import Attachment, DiaryEntry
from journal_site.blobs import StoreUnavailable
from journal_site.encryption import CannotOpen
from portability.formats import EXPORT_FORMAT_NAME, EXPORT_VERSION, entry_fingerprint, json_compact

logger = logging.getLogger(__name__)

EXPORT_CHUNK_ROWS = 2000
# Entries whose photos one query looks up, while the zip export writes them.
PHOTO_LOOKUP_ROWS = 500
# A photo's plain bytes, or the JSON beside the photos, wait in memory up to this size, on disk above it.
SPOOL_BYTES = 1024 * 1024
PHOTOS_FOLDER = "photos"
ZIP_JSON_NAME = "journal.json"
MESSAGE_FIELD = ConversationHistory._meta.get_field("content").place
STREAM_CHUNK_BYTES = 64 * 1024

ENTRY_COLUMNS = ("id", "title", "content", "mood", "emotion_tags", "tags", "exclude_from_ai", "word_count", "source_id",
                 "created_at", "updated_at")


def _entry_rows(*, user) -> Iterator[tuple]:
    return (
        DiaryEntry.objects.filter(user=user)
        .order_by("created_at", "id")
        .values_list(*ENTRY_COLUMNS)
        .iterator(chunk_size=EXPORT_CHUNK_ROWS)
    )


def _entry_export_dict(row: tuple, tz: zoneinfo.ZoneInfo, *, user_id: int) -> dict[str, Any]:
    entry = unseal_row(dict(zip(ENTRY_COLUMNS, row, strict=True)), model=DiaryEntry, user_id=user_id)
    created_at = entry["created_at"]
    return {
        "uid": entry["source_id"]
        or entry_fingerprint(created_at=created_at, title=entry["title"], content=entry["content"]),
        "created_at": created_at.astimezone(tz).isoformat(),
        "updated_at": entry["updated_at"].astimezone(tz).isoformat(),
        "title": entry["title"],
        "content": entry["content"],
        "mood": entry["mood"],
        "emotion_tags": entry["emotion_tags"],
        "tags": entry["tags"],
        "exclude_from_ai": entry["exclude_from_ai"],
        "word_count": entry["word_count"],
    }


def _profile(user) -> dict[str, Any]:
    return {
        "username": user.username,
        "email": user.email,
        "language": user.language,
        "timezone": user.timezone,
        "ai_can_read_entries": user.ai_can_read_entries,
        "reminder_enabled": user.reminder_enabled,
        "reminder_time": user.reminder_time.isoformat(timespec="minutes") if user.reminder_time else None,
        "created_at": user.created_at.isoformat(),
    }


class _Buffer:
    """Collects small pieces and hands them out in chunks of about 64 KB."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:  # zipfile calls it; the pieces leave through take()
        pass

    def full(self) -> bool:
        return self.size >= STREAM_CHUNK_BYTES

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


def _json_head(user, tz: zoneinfo.ZoneInfo) -> bytes:
    head = {
        "format": EXPORT_FORMAT_NAME,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().astimezone(tz).isoformat(),
        "profile": _profile(user),
    }
    return (json_compact(head)[:-1] + ',"entries":[').encode()


def export_json_stream(*, user) -> Iterator[bytes]:
    tz = user_zone(user=user)
    buffer = _Buffer()
    buffer.write(_json_head(user, tz))
    separator = "\n"
    for row in _entry_rows(user=user):
        buffer.write((separator + json_compact(_entry_export_dict(row, tz, user_id=user.pk))).encode())
        separator = ",\n"
        if buffer.full():
            yield buffer.take()
    for piece in _json_tail(user, tz):
        buffer.write(piece)
        if buffer.full():
            yield buffer.take()
    yield buffer.take()


def _json_tail(user, tz: zoneinfo.ZoneInfo) -> Iterator[bytes]:
    """The end of the JSON export after its entries: the conversations, piece by piece."""
    yield b'\n],"conversations":['
    separator = "\n"
    messages = (
        ConversationHistory.objects.filter(user=user)
        .order_by("mode", "created_at", "id")
        .values_list("mode", "role", "content", "status", "provider", "model", "created_at")
        .iterator(chunk_size=EXPORT_CHUNK_ROWS)
    )
    for mode, role, content, status, provider, model, created_at in messages:
        message = {
            "mode": mode,
            "role": role,
            "content": unseal(user_id=user.pk, field=MESSAGE_FIELD, value=content),
            "status": status,
            "provider": provider,
            "model": model,
            "created_at": created_at.astimezone(tz).isoformat(),
        }
        yield (separator + json_compact(message)).encode()
        separator = ",\n"
    yield b"\n]}\n"


# The zip format stores file times from 1980 to 2107 only.
ZIP_EARLIEST, ZIP_LATEST = (1980, 1, 1, 0, 0, 0), (2107, 12, 31, 23, 59, 58)


def _zip_time(moment: datetime) -> tuple[int, ...]:
    return min(max(moment.timetuple()[:6], ZIP_EARLIEST), ZIP_LATEST)


def user_has_photos(*, user) -> bool:
    return Attachment.objects.filter(user=user).exists()


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _photos_of(*, user_id: int, entry_ids: list[int]) -> dict[int, list[Attachment]]:
    """The photos of these entries in their order, each with its sealed file key (read, not looked up again)."""
    found: dict[int, list[Attachment]] = {}
    rows = Attachment.objects.filter(user_id=user_id, entry_id__in=entry_ids).order_by("entry_id", "position", "id")
    for attachment in rows:
        found.setdefault(attachment.entry_id, []).append(attachment)
    return found


def _member_from(archive: zipfile.ZipFile, buffer: _Buffer, info: zipfile.ZipInfo, source) -> Iterator[bytes]:
    """Copy `source` (a file at position 0) into the zip as `info`, handing out the zip as it grows."""
    with archive.open(info, mode="w", force_zip64=info.file_size > zipfile.ZIP64_LIMIT) as member:
        while chunk := source.read(STREAM_CHUNK_BYTES):
            member.write(chunk)
            if buffer.full():
                yield buffer.take()


def _photo_write(
    archive: zipfile.ZipFile, buffer: _Buffer, attachment: Attachment, tz: zoneinfo.ZoneInfo
) -> Generator[bytes, None, dict[str, Any]]:
    """Write one photo's original (opened) into the zip; returns what the entry's JSON says of it.

    A photo whose stored file cannot be read is left out of the zip with its `path` and `md5` null,
    so one damaged file does not cost the user the rest of the export.
    """
    path = f"{PHOTOS_FOLDER}/{attachment.pk}.{EXTENSIONS.get(attachment.content_type, 'bin')}"
    described: dict[str, Any] = {
        "id": attachment.pk,
        "path": None,
        "md5": None,
        "caption": attachment.caption,
        "content_type": attachment.content_type,
        "width": attachment.width,
        "height": attachment.height,
        "taken_at": attachment.taken_at.astimezone(tz).isoformat() if attachment.taken_at else None,
    }
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as plain:
        digest = hashlib.md5(usedforsecurity=False)
        try:
            for chunk in attachment_bytes(attachment=attachment, variant="original"):
                plain.write(chunk)
                digest.update(chunk)
        except (CannotOpen, OSError, StoreUnavailable):
            logger.warning("export: the file of photo %s cannot be read; left out", attachment.pk)
            return described
        info = zipfile.ZipInfo(path, date_time=_zip_time(attachment.created_at.astimezone(tz)))
        info.compress_type = zipfile.ZIP_STORED  # photos are compressed already
        info.external_attr = 0o644 << 16
        info.file_size = plain.tell()
        plain.seek(0)
        yield from _member_from(archive, buffer, info, plain)
    described.update(path=path, md5=digest.hexdigest())
    return described


def export_json_zip_stream(*, user) -> Iterator[bytes]:
    """The JSON export of a user with photos: a zip of `journal.json` and `photos/<id>.<ext>`.

    Written to the response as it grows (no seeking), one photo at a time; the JSON waits in a temporary
    file meanwhile, since each entry names the md5 of its photos, and goes in last.
    """
    tz = user_zone(user=user)
    buffer = _Buffer()
    with (
        tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as document,
        zipfile.ZipFile(buffer, mode="w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        document.write(_json_head(user, tz))
        separator = "\n"
        for rows in _chunks(_entry_rows(user=user), PHOTO_LOOKUP_ROWS):
            photos = _photos_of(user_id=user.pk, entry_ids=[row[0] for row in rows])
            for row in rows:
                entry = _entry_export_dict(row, tz, user_id=user.pk)
                listed = []
                for attachment in photos.get(row[0], []):
                    listed.append((yield from _photo_write(archive, buffer, attachment, tz)))
                entry["attachments"] = listed
                document.write((separator + json_compact(entry)).encode())
                separator = ",\n"
        for piece in _json_tail(user, tz):
            document.write(piece)
        info = zipfile.ZipInfo(ZIP_JSON_NAME, date_time=_zip_time(timezone.now().astimezone(tz)))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.file_size = document.tell()
        document.seek(0)
        yield from _member_from(archive, buffer, info, document)
    yield buffer.take()


def _markdown(entry: dict[str, Any]) -> str:
    """One entry as Markdown with YAML front matter (JSON scalars are valid YAML)."""
    lines = [
        "---",
        f"title: {json_compact(entry['title'])}",
        f"date: {entry['created_at']}",
        f"mood: {json_compact(entry['mood'])}",
        f"emotions: {json_compact(entry['emotion_tags'])}",
        *([f"tags: {json_compact(entry['tags'])}"] if entry["tags"] else []),
        f"exclude_from_ai: {json_compact(entry['exclude_from_ai'])}",
        f"uid: {json_compact(entry['uid'])}",
        "---",
        "",
        entry["content"],
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def export_markdown_stream(*, user) -> Iterator[bytes]:
    """A zip of one Markdown file per entry, written to the response as it grows (no seeking)."""
    tz = user_zone(user=user)
    buffer = _Buffer()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for row in _entry_rows(user=user):
            entry = _entry_export_dict(row, tz, user_id=user.pk)
            local = datetime.fromisoformat(entry["created_at"])
            stem = f"journal/{local:%Y}/{local:%Y-%m-%d-%H%M}-{slugify(entry['title'])[:60] or 'entry'}"
            name, number = f"{stem}.md", 1
            while name in used:
                number += 1
                name = f"{stem}-{number}.md"
            used.add(name)
            info = zipfile.ZipInfo(name, date_time=_zip_time(local))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, _markdown(entry))
            if buffer.full():
                yield buffer.take()
    yield buffer.take()


CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    return "'" + value if value.startswith(CSV_FORMULA_STARTS) else value


def export_csv_stream(*, user) -> Iterator[bytes]:
    tz = user_zone(user=user)
    out = io.StringIO()
    writer = csv.writer(out)
    # The byte order mark lets spreadsheet programs recognise UTF-8 (Polish letters).
    out.write("\ufeff")
    # "tags" came last, so a sheet reading columns by position keeps working.
    writer.writerow(["date", "title", "content", "mood", "emotions", "exclude_from_ai", "words", "uid", "tags"])
    for row in _entry_rows(user=user):
        entry = _entry_export_dict(row, tz, user_id=user.pk)
        writer.writerow(
            [
                entry["created_at"],
                _cell(entry["title"]),
                _cell(entry["content"]),
                "" if entry["mood"] is None else entry["mood"],
                " ".join(entry["emotion_tags"] or []),
                "yes" if entry["exclude_from_ai"] else "no",
                entry["word_count"],
                entry["uid"],
                _cell(", ".join(entry["tags"] or [])),
            ]
        )
        if out.tell() >= STREAM_CHUNK_BYTES:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


EXPORTS: dict[str, tuple[Callable[..., Iterator[bytes]], str, str]] = {
    "json": (export_json_stream, "application/json", "json"),
    "markdown": (export_markdown_stream, "application/zip", "zip"),
    "csv": (export_csv_stream, "text/csv; charset=utf-8", "csv"),
}
