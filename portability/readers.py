"""Import readers: this journal's own JSON export, Day One's JSON (or its zip) and jrnl's JSON.

The whole file is validated before anything is written; the first bad record
is named (ImportInvalid). Every record carries a ``source_id`` (the record's id
in the file, or a fingerprint of its date, title and text). Zips are unpacked
within the limits of docs/import-limits.md.
"""

from __future__ import annotations

import io
import json
import zipfile
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as dt_time
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.emotions import EMOTION_CODES, EMOTIONS, MOOD_MAX, MOOD_MIN
from diary.models import DiaryEntry
from diary.services import CONTENT_MAX_LENGTH, TAG_MAX_LENGTH, TAGS_MAX, TITLE_MAX_LENGTH, tags_clean
from portability.formats import EXPORT_FORMAT_NAME, EXPORT_VERSION, entry_fingerprint, json_compact

# JSON compresses 5 to 20 times; a zip bomb a thousand times and more.
IMPORT_ZIP_MAX_RATIO = 100
ZIP_READ_CHUNK = 64 * 1024
TITLE_MAX_CHARS = TITLE_MAX_LENGTH
# The limit of an entry written here: an imported entry must stay editable.
CONTENT_MAX_CHARS = CONTENT_MAX_LENGTH
SOURCE_ID_MAX_CHARS = DiaryEntry._meta.get_field("source_id").max_length
YEAR_MIN, YEAR_MAX = 1900, 2200


class ImportInvalid(Exception):
    """The file cannot be imported; the message says why, naming the first bad record."""


class ImportTooLarge(Exception):
    pass


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


def _own_tags(names: list[str]) -> list[str]:
    """Another app's tags that are not emotions, as this journal's own tags ("@work" is "work").

    A name is cut to the tag length and an entry keeps the first tags up to the per-entry limit
    (docs/import-limits.md).
    """
    kept: list[str] = []
    seen: set[str] = set()
    for name in names:
        name = " ".join(name.lstrip("@#").split())[:TAG_MAX_LENGTH].strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept[:TAGS_MAX]


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
            raise _Bad(_("unknown emotion %(tag)s") % {"tag": json_compact(tag)[:60]})
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
    uid: Any, prefix: str, created_at: datetime, title: str, content: str, emotions: list[str], tags: list[str]
) -> ImportRecord:
    """A record from another journal app: no mood, not excluded, keyed by its id or a fingerprint."""
    return ImportRecord(
        source_id=_check_source_id(uid, prefix)
        or entry_fingerprint(created_at=created_at, title=title, content=content),
        title=title,
        content=content,
        mood=None,
        emotion_tags=emotions,
        tags=tags,
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
    if not title and not content:
        return None
    return _foreign_record(raw.get("uuid"), "dayone:", created_at, title, content, emotions, _own_tags(others))


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
    # jrnl's tags are written in the text too ("@work"); they also become the entry's own tags.
    emotions, others = _split_tags(raw.get("tags"))
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
    return _foreign_record(raw.get("uuid"), "jrnl:", created_at, title, content, emotions, _own_tags(others))


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
    raise ImportInvalid(
        _("This file is not an export of this journal, of Day One or of jrnl.") + " " + str(FORMATS_READ)
    )


def _decode_json(data: bytes, name: str | None = None) -> Any:
    where = f"{name}: " if name else ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportInvalid(where + _("The file is not UTF-8 text.") + " " + str(FORMATS_READ)) from None
    if not name and text.lstrip()[:1] not in ("{", "["):
        # Not JSON at all (a CSV export, a text file): say what the importer reads.
        raise ImportInvalid(_("This file is not JSON or a zip.") + " " + str(FORMATS_READ))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportInvalid(
            where + _("The file is not valid JSON (line %(line)s, column %(column)s).") % {
                "line": exc.lineno, "column": exc.colno}
        ) from None
    except (ValueError, RecursionError):
        raise ImportInvalid(where + _("The file is not valid JSON.")) from None


FORMATS_READ = gettext_lazy(
    "The importer reads this journal's JSON export or its Markdown zip, Day One's export (JSON, or its zip) "
    "and jrnl's JSON export (jrnl --export json). A CSV export is for spreadsheets and cannot be imported."
)
_ZIP_DAMAGED = gettext_lazy("The zip file is damaged or uses a compression this journal cannot read.")
# zipfile raises RuntimeError for an encrypted member, NotImplementedError for an unknown compression.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, RuntimeError,
               ValueError)


def _is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def _too_large() -> ImportInvalid:
    return ImportInvalid(_("The files in the zip are larger than %(limit)s MB together.") % {
        "limit": settings.IMPORT_MAX_BYTES // 2**20})


def _named(archive: zipfile.ZipFile, ending: str) -> list[zipfile.ZipInfo]:
    return [info for info in archive.infolist()
            if info.filename.lower().endswith(ending) and not info.filename.startswith("__MACOSX/")]


def _zip_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The JSON members of a zip, or else its Markdown files (this journal's Markdown export), checked from
    its central directory before anything is unpacked."""
    members = _named(archive, ".json") or _named(archive, ".md")
    if not members:
        raise ImportInvalid(_("The zip file holds no JSON or Markdown file.") + " " + str(FORMATS_READ))
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
    """The JSON documents of an upload: the file itself, each .json file of a zip (Day One's export), or
    each Markdown file of this journal's Markdown zip, read as a document of one entry."""
    if not _is_zip(data):
        return [(None, _decode_json(data))]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = max_bytes
            documents = []
            for info in _zip_members(archive):
                content = _read_member(archive, info, budget)
                budget -= len(content)
                if info.filename.lower().endswith(".md"):
                    documents.append((info.filename, _markdown_document(content, info.filename)))
                else:
                    documents.append((info.filename, _decode_json(content, info.filename)))
            return documents
    except _ZIP_ERRORS:
        raise ImportInvalid(_ZIP_DAMAGED) from None


# What the Markdown export's front matter holds, and the JSON export's name for each (portability.exports).
_FRONT_MATTER = {"title": "title", "date": "created_at", "mood": "mood", "emotions": "emotion_tags",
                 "tags": "tags", "exclude_from_ai": "exclude_from_ai", "uid": "uid"}


def _markdown_document(data: bytes, name: str) -> dict[str, Any]:
    """One file of this journal's Markdown zip as an export document of one entry.

    The front matter is "key: value" lines between "---" lines, each value JSON (the date an ISO
    timestamp); the text follows a blank line.
    """
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise ImportInvalid(f"{name}: " + _("The file is not UTF-8 text.")) from None
    head, marker, rest = text.removeprefix("---\n").partition("\n---\n")
    if not text.startswith("---\n") or not marker:
        raise ImportInvalid(f"{name}: " + _("The Markdown file has no front matter (a block between --- lines)."))
    entry: dict[str, Any] = {"content": rest.removeprefix("\n").removesuffix("\n")}
    for line in head.split("\n"):
        key, _colon, value = line.partition(":")
        field = _FRONT_MATTER.get(key.strip())
        if field is None:
            continue
        value = value.strip()
        if field == "created_at":
            entry[field] = value
            continue
        try:
            entry[field] = json.loads(value)
        except (ValueError, RecursionError):
            raise ImportInvalid(f"{name}: " + _("The front matter's %(key)s cannot be read.") % {
                "key": key.strip()}) from None
    return {"format": EXPORT_FORMAT_NAME, "version": EXPORT_VERSION, "entries": [entry]}


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
