"""Export and import of a user's data.

Export streams: entries and messages are read with ``iterator(chunk_size=...)``
(a server-side cursor on PostgreSQL) and written out piece by piece, so a
ten-year journal never sits in memory at once. Three shapes:

- JSON, everything the user owns: profile, entries, conversation history.
- A zip of Markdown files, one per entry, with front matter (date, mood, emotions).
- CSV of the entries, for spreadsheets.

Import reads this journal's own JSON export, Day One's JSON export (the
``.json`` or the ``.zip`` Day One writes) and jrnl's JSON export. The whole
file is validated before anything is written; the first bad record is named
and nothing is imported. Rows are then inserted in one transaction, 1,000 at a
time. Every imported entry carries a ``source_id`` (the record's id in the
file, or a fingerprint of its date, title and text) and entries already in
the diary are skipped, so importing the same file twice creates no
duplicates. Text is stored exactly as written; pages escape or sanitise it
when they show it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import zipfile
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conversations.models import ConversationHistory
from diary.cache import user_stats_invalidate
from diary.emotions import EMOTION_CODES, EMOTIONS, MOOD_MAX, MOOD_MIN
from diary.excerpts import excerpt_from_markdown
from diary.models import DiaryEntry, ImportJob, UserTag
from diary.services import CONTENT_MAX_LENGTH, tags_clean
from diary.stats import user_zone
from diary.tasks import import_entries
from diary.words import word_count
from journal_site import outbox

logger = logging.getLogger(__name__)

EXPORT_FORMATS = ("json", "markdown", "csv")
EXPORT_FORMAT_NAME = "journal-export"
EXPORT_VERSION = 1
EXPORT_CHUNK_ROWS = 2000
STREAM_CHUNK_BYTES = 64 * 1024

IMPORT_BATCH = 1000  # rows per INSERT: memory stays bounded, round trips few (docs/limits.md)
# Files that expand to at most this size are imported during the upload; larger ones by a
# Celery task. A zip is judged by what it holds, not by its own size (docs/import-limits.md).
IMPORT_INLINE_MAX_BYTES = 256 * 1024
# JSON compresses 5 to 20 times; a zip bomb a thousand times and more.
IMPORT_ZIP_MAX_RATIO = 100
ZIP_READ_CHUNK = 64 * 1024
# Payloads of jobs no worker finished within this time are dropped by the daily cleanup.
IMPORT_JOB_STALE = timedelta(days=1)
FAILED_MESSAGE = gettext_lazy("The import failed and nothing was imported. Please try again.")
TITLE_MAX_CHARS = DiaryEntry._meta.get_field("title").max_length
# The limit of an entry written here: an imported entry must stay editable.
CONTENT_MAX_CHARS = CONTENT_MAX_LENGTH
SOURCE_ID_MAX_CHARS = DiaryEntry._meta.get_field("source_id").max_length
YEAR_MIN, YEAR_MAX = 1900, 2200
PROGRESS_TIMEOUT = 24 * 3600

ENTRY_COLUMNS = ("id", "title", "content", "mood", "emotion_tags", "tags", "exclude_from_ai", "word_count", "source_id",
                 "created_at", "updated_at")


def entry_fingerprint(*, created_at: datetime, title: str, content: str) -> str:
    """A stable id for an entry that has none: the same date, title and text give the same id anywhere."""
    digest = hashlib.sha256(
        "\x1f".join((created_at.astimezone(UTC).isoformat(), title, content)).encode("utf-8", "surrogatepass")
    )
    return f"journal:{digest.hexdigest()[:40]}"


# --- Export -----------------------------------------------------------------------------------------


def _entry_rows(*, user) -> Iterator[tuple]:
    return (
        DiaryEntry.objects.filter(user=user)
        .order_by("created_at", "id")
        .values_list(*ENTRY_COLUMNS)
        .iterator(chunk_size=EXPORT_CHUNK_ROWS)
    )


def _entry_export_dict(row: tuple, tz: zoneinfo.ZoneInfo) -> dict[str, Any]:
    entry = dict(zip(ENTRY_COLUMNS, row, strict=True))
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


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def export_json_stream(*, user) -> Iterator[bytes]:
    tz = user_zone(user=user)
    head = {
        "format": EXPORT_FORMAT_NAME,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().astimezone(tz).isoformat(),
        "profile": _profile(user),
    }
    buffer = _Buffer()
    buffer.write((_dumps(head)[:-1] + ',"entries":[').encode())
    separator = "\n"
    for row in _entry_rows(user=user):
        buffer.write((separator + _dumps(_entry_export_dict(row, tz))).encode())
        separator = ",\n"
        if buffer.full():
            yield buffer.take()
    buffer.write(b'\n],"conversations":[')
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
            "content": content,
            "status": status,
            "provider": provider,
            "model": model,
            "created_at": created_at.astimezone(tz).isoformat(),
        }
        buffer.write((separator + _dumps(message)).encode())
        separator = ",\n"
        if buffer.full():
            yield buffer.take()
    buffer.write(b"\n]}\n")
    yield buffer.take()


# The zip format stores file times from 1980 to 2107 only.
ZIP_EARLIEST, ZIP_LATEST = (1980, 1, 1, 0, 0, 0), (2107, 12, 31, 23, 59, 58)


def _markdown(entry: dict[str, Any]) -> str:
    """One entry as Markdown with YAML front matter (JSON scalars are valid YAML)."""
    lines = [
        "---",
        f"title: {_dumps(entry['title'])}",
        f"date: {entry['created_at']}",
        f"mood: {_dumps(entry['mood'])}",
        f"emotions: {_dumps(entry['emotion_tags'])}",
        *([f"tags: {_dumps(entry['tags'])}"] if entry["tags"] else []),
        f"exclude_from_ai: {_dumps(entry['exclude_from_ai'])}",
        f"uid: {_dumps(entry['uid'])}",
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
            entry = _entry_export_dict(row, tz)
            local = datetime.fromisoformat(entry["created_at"])
            stem = f"journal/{local:%Y}/{local:%Y-%m-%d-%H%M}-{slugify(entry['title'])[:60] or 'entry'}"
            name, number = f"{stem}.md", 1
            while name in used:
                number += 1
                name = f"{stem}-{number}.md"
            used.add(name)
            info = zipfile.ZipInfo(name, date_time=min(max(local.timetuple()[:6], ZIP_EARLIEST), ZIP_LATEST))
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
    writer.writerow(["date", "title", "content", "mood", "emotions", "exclude_from_ai", "words", "uid"])
    for row in _entry_rows(user=user):
        entry = _entry_export_dict(row, tz)
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
            ]
        )
        if out.tell() >= STREAM_CHUNK_BYTES:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


_EXPORTS: dict[str, tuple[Callable[..., Iterator[bytes]], str, str]] = {
    "json": (export_json_stream, "application/json", "json"),
    "markdown": (export_markdown_stream, "application/zip", "zip"),
    "csv": (export_csv_stream, "text/csv; charset=utf-8", "csv"),
}


def export_response(*, user, fmt: str) -> StreamingHttpResponse:
    from accounts.activity import activity_record

    stream, content_type, extension = _EXPORTS[fmt]
    activity_record(user_id=user.pk, kind="export", details={"format": fmt})  # in the owner's activity log
    today = timezone.localtime(timezone.now(), user_zone(user=user)).date()
    response = StreamingHttpResponse(stream(user=user), content_type=content_type)
    suffix = "-entries" if fmt != "json" else ""
    response["Content-Disposition"] = f'attachment; filename="journal-{today.isoformat()}{suffix}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Import: reading and validating -----------------------------------------------------------------


class ImportInvalid(Exception):
    """The file cannot be imported; the message says why, naming the first bad record."""


class ImportTooLarge(Exception):
    pass


class ImportFailed(ImportInvalid):
    """The import broke for a reason that is not the file's; a failed job records it."""


@dataclass(slots=True)
class ImportRecord:
    source_id: str
    title: str
    content: str
    mood: int | None
    emotion_tags: list[str]
    exclude_from_ai: bool
    created_at: datetime
    tags: list[str] = field(default_factory=list)  # the user's own tags (this journal's export only)


@dataclass
class ParsedImport:
    file_format: str
    total: int = 0
    skipped: int = 0  # empty records and repeats within the file
    records: list[ImportRecord] = field(default_factory=list)


class _Bad(Exception):
    """A problem with one field of one record; turned into ImportInvalid with the record named."""


# Field names are translated only when a message is built: validation runs for every record.
FIELD_TITLE = gettext_lazy("the title")
FIELD_CONTENT = gettext_lazy("the content")
FIELD_DATE = gettext_lazy("the date")
FIELD_ID = gettext_lazy("the id")
FIELD_TAG = gettext_lazy("a tag")


def _check_text(value: Any, name: str, *, max_chars: int, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise _Bad(_("%(field)s must be text") % {"field": name})
    if len(value) > max_chars:
        raise _Bad(_("%(field)s is longer than %(max)s characters") % {"field": name, "max": f"{max_chars:,}"})
    if "\x00" in value:
        raise _Bad(_("%(field)s contains a NUL character") % {"field": name})
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Bad(_("%(field)s contains characters that are not valid Unicode") % {"field": name}) from None
    return value


def _check_datetime(value: Any, name: str, tz: zoneinfo.ZoneInfo) -> datetime:
    if not isinstance(value, str) or len(value) > 64:
        raise _Bad(_("%(field)s must be a date and time such as 2024-05-01T18:30:00+02:00") % {"field": name})
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(_("%(field)s must be a date and time such as 2024-05-01T18:30:00+02:00") % {"field": name}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    if not YEAR_MIN <= moment.year <= YEAR_MAX:
        raise _Bad(_("%(field)s must be between the years %(min)s and %(max)s") % {
            "field": name, "min": YEAR_MIN, "max": YEAR_MAX})
    return moment.astimezone(UTC)


def _check_mood(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not MOOD_MIN <= value <= MOOD_MAX:
        raise _Bad(_("the mood must be a whole number from %(min)s to %(max)s, or null") % {
            "min": MOOD_MIN, "max": MOOD_MAX})
    return value


def _check_source_id(value: Any, prefix: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _Bad(_("the id must be text"))
    source_id = value if value.startswith(("journal:", "dayone:", "jrnl:")) else f"{prefix}{value}"
    return _check_text(source_id, FIELD_ID, max_chars=SOURCE_ID_MAX_CHARS)


@lru_cache(maxsize=4)
def _emotion_names(languages: tuple[str, ...] = ("en", "pl")) -> dict[str, str]:
    """Emotion codes and their names in each language, lower-cased, to the code."""
    names = {code: code for code in EMOTION_CODES}
    for language in languages:
        with translation.override(language):
            names.update({str(label).lower(): code for code, label in EMOTIONS.items()})
    return names


def _split_tags(tags: Any) -> tuple[list[str], list[str]]:
    """Foreign tags: the ones naming an emotion become emotion tags, the rest are returned as they are."""
    if tags is None:
        return [], []
    if not isinstance(tags, list) or len(tags) > 1000:
        raise _Bad(_("the tags must be a list"))
    emotions: list[str] = []
    others: list[str] = []
    names = _emotion_names()
    for tag in tags:
        tag = _check_text(tag, FIELD_TAG, max_chars=200)
        code = names.get(tag.lstrip("@#").strip().lower())
        if code:
            if code not in emotions:
                emotions.append(code)
        elif tag not in others:
            others.append(tag)
    return emotions, others


def _own_record(raw: Any, tz: zoneinfo.ZoneInfo) -> ImportRecord | None:
    if not isinstance(raw, dict):
        raise _Bad(_("it is not an object"))
    title = _check_text(raw.get("title"), FIELD_TITLE, max_chars=TITLE_MAX_CHARS, default="")
    content = _check_text(raw.get("content"), FIELD_CONTENT, max_chars=CONTENT_MAX_CHARS, default="")
    created_at = _check_datetime(raw.get("created_at"), FIELD_DATE, tz)
    tags = raw.get("emotion_tags") or []
    if not isinstance(tags, list) or len(tags) > len(EMOTION_CODES) * 2:
        raise _Bad(_("emotion_tags must be a list of emotion codes"))
    for tag in tags:
        if not isinstance(tag, str) or tag not in EMOTION_CODES:
            raise _Bad(_("unknown emotion %(tag)s") % {"tag": _dumps(tag)[:60]})
    exclude = raw.get("exclude_from_ai", False)
    if not isinstance(exclude, bool):
        raise _Bad(_("exclude_from_ai must be true or false"))
    try:
        own_tags = tags_clean(raw.get("tags") or [])
    except ValidationError as error:
        raise _Bad(error.messages[0]) from None
    mood = _check_mood(raw.get("mood"))
    if not title and not content and mood is None:
        return None  # a check-in (a mood alone) is an entry; nothing at all is not
    return ImportRecord(
        source_id=_check_source_id(raw.get("uid"), "journal:")
        or entry_fingerprint(created_at=created_at, title=title, content=content),
        title=title,
        content=content,
        mood=mood,
        emotion_tags=list(dict.fromkeys(tags)),
        exclude_from_ai=exclude,
        created_at=created_at,
        tags=own_tags,
    )


def _foreign_record(
    uid: Any, prefix: str, created_at: datetime, title: str, content: str, emotions: list[str]
) -> ImportRecord:
    """A record from another journal app: no mood, not excluded, keyed by its id or a fingerprint."""
    return ImportRecord(
        source_id=_check_source_id(uid, prefix)
        or entry_fingerprint(created_at=created_at, title=title, content=content),
        title=title,
        content=content,
        mood=None,
        emotion_tags=emotions,
        exclude_from_ai=False,
        created_at=created_at,
    )


def _dayone_record(raw: Any, tz: zoneinfo.ZoneInfo) -> ImportRecord | None:
    if not isinstance(raw, dict):
        raise _Bad(_("it is not an object"))
    created_at = _check_datetime(raw.get("creationDate"), "creationDate", tz)
    text = _check_text(raw.get("text"), "text", max_chars=CONTENT_MAX_CHARS, default="")
    emotions, others = _split_tags(raw.get("tags"))
    title, content = "", text.strip("\n")
    # Day One shows the first line as the title; its exports mark it as a heading.
    first, _newline, rest = content.partition("\n")
    if first.startswith("# ") and len(first[2:].strip()) <= TITLE_MAX_CHARS:
        title, content = first[2:].strip(), rest.lstrip("\n")
    if others:
        # Tags that are not emotions stay with the text rather than being lost.
        content = (content + "\n\n" if content else "") + " ".join("#" + t.replace(" ", "_") for t in others)
    if not title and not content:
        return None
    return _foreign_record(raw.get("uuid"), "dayone:", created_at, title, content, emotions)


def _jrnl_record(raw: Any, tz: zoneinfo.ZoneInfo) -> ImportRecord | None:
    if not isinstance(raw, dict):
        raise _Bad(_("it is not an object"))
    day, clock = raw.get("date"), raw.get("time") or "00:00"
    if not isinstance(day, str) or not isinstance(clock, str) or len(day) > 10 or len(clock) > 8:
        raise _Bad(_("date and time must look like 2024-05-01 and 18:30"))
    try:
        moment = datetime.combine(datetime.strptime(day, "%Y-%m-%d").date(), dt_time.fromisoformat(clock))
    except ValueError:
        raise _Bad(_("date and time must look like 2024-05-01 and 18:30")) from None
    created_at = _check_datetime(moment.isoformat(), "date", tz)
    title = _check_text(raw.get("title"), "title", max_chars=CONTENT_MAX_CHARS, default="").strip()
    body = _check_text(raw.get("body"), "body", max_chars=CONTENT_MAX_CHARS, default="").strip("\n")
    emotions, _others = _split_tags(raw.get("tags"))  # jrnl's tags are written in the text already
    # jrnl's title is the first sentence; a lone sentence is the whole entry.
    if not body or len(title) > TITLE_MAX_CHARS:
        title, content = "", "\n\n".join(part for part in (title, body) if part)
    else:
        content = body
    if len(content) > CONTENT_MAX_CHARS:
        raise _Bad(
            _("%(field)s is longer than %(max)s characters") % {"field": "body", "max": f"{CONTENT_MAX_CHARS:,}"}
        )
    if not content:
        return None
    return _foreign_record(raw.get("uuid"), "jrnl:", created_at, title, content, emotions)


_READERS = {"journal": _own_record, "dayone": _dayone_record, "jrnl": _jrnl_record}


def _detect(document: Any) -> str:
    if isinstance(document, dict):
        if document.get("format") == EXPORT_FORMAT_NAME:
            if document.get("version") != EXPORT_VERSION:
                raise ImportInvalid(_("This export comes from a newer version of the journal and cannot be read."))
            if not isinstance(document.get("entries"), list):
                raise ImportInvalid(_("The file has no list of entries."))
            return "journal"
        entries = document.get("entries")
        if isinstance(entries, list):
            sample = next((e for e in entries if isinstance(e, dict)), {})
            if "metadata" in document or "creationDate" in sample:
                return "dayone"
            if "tags" in document or {"date", "body"} & set(sample):
                return "jrnl"
    raise ImportInvalid(_("This file is not an export of this journal, of Day One or of jrnl (JSON)."))


def _decode_json(data: bytes, name: str | None = None) -> Any:
    where = f"{name}: " if name else ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportInvalid(where + _("The file is not UTF-8 text.")) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportInvalid(
            where + _("The file is not valid JSON (line %(line)s, column %(column)s).") % {
                "line": exc.lineno, "column": exc.colno}
        ) from None
    except (ValueError, RecursionError):
        raise ImportInvalid(where + _("The file is not valid JSON.")) from None


_ZIP_DAMAGED = gettext_lazy("The zip file is damaged or uses a compression this journal cannot read.")
# zipfile raises RuntimeError for an encrypted member, NotImplementedError for an unknown compression.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, RuntimeError,
               ValueError)


def _is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def _too_large() -> ImportInvalid:
    return ImportInvalid(_("The files in the zip are larger than %(limit)s MB together.") % {
        "limit": settings.IMPORT_MAX_BYTES // 2**20})


def _zip_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The JSON members of a zip, checked from its central directory before anything is unpacked."""
    members = [
        info for info in archive.infolist()
        if info.filename.lower().endswith(".json") and not info.filename.startswith("__MACOSX/")
    ]
    if not members:
        raise ImportInvalid(_("The zip file holds no JSON file."))
    if any(info.flag_bits & 0x1 for info in members):
        raise ImportInvalid(_("The zip file is protected by a password. Export it again without one."))
    if sum(info.file_size for info in members) > settings.IMPORT_MAX_BYTES:
        raise _too_large()
    for info in members:
        if info.file_size > max(info.compress_size, 1) * IMPORT_ZIP_MAX_RATIO:
            raise ImportInvalid(_("The zip file expands too much to be an export (%(name)s).") % {
                "name": info.filename})
    return members


def import_expanded_size(data: bytes) -> int:
    """The bytes a file holds once unpacked; refuses a zip bomb from the zip's directory alone."""
    if not _is_zip(data):
        return len(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in _zip_members(archive))
    except _ZIP_ERRORS:
        raise ImportInvalid(_ZIP_DAMAGED) from None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """A member, unpacked piece by piece: never more than its directory says, nor than the budget."""
    parts, size = [], 0
    with archive.open(info) as member:
        while chunk := member.read(ZIP_READ_CHUNK):
            size += len(chunk)
            if size > info.file_size:
                raise ImportInvalid(_ZIP_DAMAGED)
            if size > budget:
                raise _too_large()
            parts.append(chunk)
    return b"".join(parts)


def _documents(data: bytes, max_bytes: int) -> list[tuple[str | None, Any]]:
    """The JSON documents of an upload: the file itself, or each .json file of a zip (Day One's export)."""
    if not _is_zip(data):
        return [(None, _decode_json(data))]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = max_bytes
            documents = []
            for info in _zip_members(archive):
                content = _read_member(archive, info, budget)
                budget -= len(content)
                documents.append((info.filename, _decode_json(content, info.filename)))
            return documents
    except _ZIP_ERRORS:
        raise ImportInvalid(_ZIP_DAMAGED) from None


def _where(name: str | None, number: int) -> str:
    """Names a record for a message: "entry 12", or "Journal.json, entry 12" inside a zip."""
    return (f"{name}, " if name else "") + _("entry %(number)s") % {"number": number}


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def import_parse(*, data: bytes, tz: zoneinfo.ZoneInfo, max_bytes: int | None = None) -> ParsedImport:
    """Read and validate a whole file; raise ImportInvalid naming the first bad record.

    A zip is unpacked up to ``max_bytes`` (IMPORT_MAX_BYTES by default) and no further.
    """
    documents = _documents(data, settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes)
    formats = {_detect(document) for _name, document in documents}
    if len(formats) > 1:
        raise ImportInvalid(_("The zip file mixes exports of different programs."))
    file_format = formats.pop()
    reader = _READERS[file_format]
    parsed = ParsedImport(file_format=file_format)
    seen: dict[str, tuple[str | None, int, ImportRecord]] = {}
    for name, document in documents:
        for number, raw in enumerate(document["entries"], start=1):
            parsed.total += 1
            try:
                record = reader(raw, tz)
            except _Bad as exc:
                problem = {"where": _upper_first(_where(name, number)), "problem": exc}
                raise ImportInvalid(_("%(where)s: %(problem)s.") % problem) from None
            if record is None:
                parsed.skipped += 1
                continue
            first = seen.get(record.source_id)
            if first is not None:
                first_name, first_number, first_record = first
                if (first_record.created_at, first_record.title, first_record.content) != (
                    record.created_at, record.title, record.content
                ):
                    raise ImportInvalid(
                        _("%(where)s: it has the same id as %(first)s but different content.") % {
                            "where": _upper_first(_where(name, number)), "first": _where(first_name, first_number)}
                    )
                parsed.skipped += 1  # the same entry twice in one file
                continue
            seen[record.source_id] = (name, number, record)
            parsed.records.append(record)
    return parsed


# --- Import: writing -------------------------------------------------------------------------------


def _batches(records: list[ImportRecord], size: int) -> Iterator[list[ImportRecord]]:
    for start in range(0, len(records), size):
        yield records[start : start + size]


@dataclass(frozen=True)
class _Existing:
    """What the user's diary held when the import began: enough to skip needless look-ups."""

    first: datetime | None
    last: datetime | None
    with_source_id: int

    @classmethod
    def of(cls, user_id: int) -> _Existing:
        span = DiaryEntry.objects.filter(user_id=user_id).aggregate(
            first=Min("created_at"), last=Max("created_at"), with_source_id=Count("source_id")
        )
        return cls(**span)


def _already_there(*, user_id: int, batch: list[ImportRecord], existing: _Existing) -> set[str]:
    """The source ids of this batch the diary already has: same id, or same date, title and text.

    At most two queries, each an index scan (OR-ing them makes PostgreSQL scan
    every row of the user), and none when the diary cannot hold a match: an
    import into an empty diary looks nothing up.
    """
    mine = DiaryEntry.objects.filter(user_id=user_id).order_by()
    found: set[str] = set()
    if existing.with_source_id:
        found.update(mine.filter(source_id__in=[r.source_id for r in batch]).values_list("source_id", flat=True))
    if existing.first is None:
        return found
    moments = {r.created_at for r in batch if existing.first <= r.created_at <= existing.last}
    if not moments:
        return found
    by_moment: dict[datetime, set[tuple[str, str]]] = {}
    for created_at, title, content in mine.filter(created_at__in=moments).values_list("created_at", "title", "content"):
        by_moment.setdefault(created_at, set()).add((title, content))
    for record in batch:
        if (record.title, record.content) in by_moment.get(record.created_at, ()):
            found.add(record.source_id)
    return found


def import_records(
    *, user_id: int, records: list[ImportRecord], progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Insert validated records in batches of 1,000, all or nothing. Returns (created, skipped)."""
    from accounts.models import User

    created = skipped = 0
    with transaction.atomic():
        # One import per user at a time: a second one waits and then finds everything already there.
        list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))
        existing = _Existing.of(user_id)
        for batch in _batches(records, IMPORT_BATCH):
            present = _already_there(user_id=user_id, batch=batch, existing=existing)
            new = [
                DiaryEntry(
                    user_id=user_id,
                    title=r.title,
                    content=r.content,
                    mood=r.mood,
                    emotion_tags=r.emotion_tags,
                    tags=r.tags,
                    exclude_from_ai=r.exclude_from_ai,
                    word_count=word_count(r.content),
                    excerpt=excerpt_from_markdown(r.content),
                    source_id=r.source_id,
                    created_at=r.created_at,
                )
                for r in batch
                if r.source_id not in present
            ]
            DiaryEntry.objects.bulk_create(new, batch_size=IMPORT_BATCH)
            names = {name.casefold(): name for entry in new for name in entry.tags}
            UserTag.objects.bulk_create(
                [UserTag(user_id=user_id, name=name) for name in names.values()], ignore_conflicts=True
            )
            created += len(new)
            skipped += len(batch) - len(new)
            if progress:
                progress(created + skipped)
        if created:
            user_stats_invalidate(user_id=user_id)
            # Again after the commit, so statistics computed meanwhile from the old rows are not kept.
            transaction.on_commit(lambda: user_stats_invalidate(user_id=user_id))
    return created, skipped


# --- Import: jobs ------------------------------------------------------------------------------------


def _read_upload(upload) -> bytes:
    limit = settings.IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ImportTooLarge
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ImportTooLarge
    if not data:
        raise ImportInvalid(_("The file is empty."))
    return data


def import_start(*, user, upload) -> ImportJob:
    """Import an uploaded file: at once when it is small, else through the task "diary.import_entries".

    A small file that is not valid raises ImportInvalid and leaves no trace;
    a large one is validated by the task and its job says what was wrong.
    """
    data = _read_upload(upload)
    if import_expanded_size(data) <= IMPORT_INLINE_MAX_BYTES:
        try:
            parsed = import_parse(data=data, tz=user_zone(user=user), max_bytes=IMPORT_INLINE_MAX_BYTES)
            created, skipped = import_records(user_id=user.pk, records=parsed.records)
        except ImportInvalid:
            raise
        except Exception as exc:
            # The message of a database error can quote the data: log only its kind.
            logger.error("inline import failed: %s", type(exc).__name__)
            ImportJob.objects.create(
                user=user, status=ImportJob.Status.FAILED, error=str(FAILED_MESSAGE), finished_at=timezone.now()
            )
            raise ImportFailed(str(FAILED_MESSAGE)) from None
        return ImportJob.objects.create(
            user=user,
            status=ImportJob.Status.DONE,
            file_format=parsed.file_format,
            total=parsed.total,
            processed=parsed.total,
            created_count=created,
            skipped_count=skipped + parsed.skipped,
            finished_at=timezone.now(),
        )
    job = ImportJob.objects.create(user=user, payload=data)
    outbox.enqueue(import_entries, args=(job.pk,))
    return job


def _progress_key(job_id: int) -> str:
    return f"import:progress:{job_id}"


def import_job_run(*, job_id: int) -> None:
    """The body of the task: validate, then insert with progress. Safe to run twice."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING]
    ).update(status=ImportJob.Status.RUNNING)
    if not claimed:
        return  # finished already (a redelivered message)
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    user = job.user
    key = _progress_key(job_id)
    with translation.override(user.language):
        try:
            parsed = import_parse(data=bytes(job.payload or b""), tz=user_zone(user=user))
            del job  # the payload: the parsed records are all that is needed from here
            ImportJob.objects.filter(pk=job_id).update(total=parsed.total, file_format=parsed.file_format)
            cache.set(key, parsed.skipped, PROGRESS_TIMEOUT)
            with transaction.atomic():
                # A second delivery waits here for the first and then sees it done.
                state = ImportJob.objects.select_for_update().filter(pk=job_id).values_list("status", flat=True)
                if list(state) != [ImportJob.Status.RUNNING]:
                    return
                created, skipped = import_records(
                    user_id=user.pk,
                    records=parsed.records,
                    progress=lambda done: cache.set(key, parsed.skipped + done, PROGRESS_TIMEOUT),
                )
                _finish(
                    job_id,
                    status=ImportJob.Status.DONE,
                    processed=parsed.total,
                    created_count=created,
                    skipped_count=skipped + parsed.skipped,
                )
        except ImportInvalid as exc:
            _finish(job_id, status=ImportJob.Status.FAILED, error=str(exc))
        except Exception as exc:
            # The message of a database error can quote the data: log only its kind.
            logger.error("import job %s failed: %s", job_id, type(exc).__name__)
            _finish(job_id, status=ImportJob.Status.FAILED, error=str(FAILED_MESSAGE))
        finally:
            cache.delete(key)


def import_jobs_cleanup(*, now: datetime | None = None) -> int:
    """Fail the jobs no worker finished in time and drop every payload a job no longer needs."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        stale = ImportJob.objects.filter(
            status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING], created_at__lt=now - IMPORT_JOB_STALE
        ).update(status=ImportJob.Status.FAILED, payload=None, finished_at=now, error=str(FAILED_MESSAGE))
    finished = ImportJob.objects.filter(
        status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED], payload__isnull=False
    ).update(payload=None)
    return stale + finished


def _finish(job_id: int, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(payload=None, finished_at=timezone.now(), **fields)


def import_job_get_for_user(*, user, job_id: int) -> ImportJob:
    """The user's import job, or 404 (also for anyone else's). The stored file is never loaded."""
    return get_object_or_404(ImportJob.objects.defer("payload"), pk=job_id, user=user)


def import_job_list(*, user, limit: int = 5) -> list[ImportJob]:
    return list(ImportJob.objects.filter(user=user).defer("payload").order_by("-created_at", "-id")[:limit])


def import_job_progress(*, job: ImportJob) -> dict[str, Any]:
    """What the progress page and the status endpoint show."""
    finished = job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
    processed = job.processed if finished else int(cache.get(_progress_key(job.pk)) or 0)
    total = job.total
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "format": job.file_format,
        "total": total,
        "processed": min(processed, total) if total else processed,
        "percent": int(min(processed, total) * 100 / total) if total else (100 if finished else 0),
        "created": job.created_count,
        "skipped": job.skipped_count,
        "error": job.error,
        "finished": finished,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }

