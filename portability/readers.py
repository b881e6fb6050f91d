"""Import readers: this journal's own JSON export (or its zip with photos), Day One's JSON (or its zip)
and jrnl's JSON.

The whole file is validated before anything is written; the first bad record
is named (ImportInvalid). Every record carries a ``source_id`` (the record's id
in the file, or a fingerprint of its date, title and text) and the photos the
file gives it (PhotoRef). Zips are unpacked within the limits of
docs/import-limits.md.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import zipfile
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as dt_time
from functools import lru_cache
from pathlib import PurePosixPath
from typing import IO, Any
from zlib import error as zlib_error

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.attachments import CAPTION_MAX_LENGTH
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
# Where a zip keeps its photos: this journal's export and Day One's both use a "photos" folder.
PHOTOS_FOLDER = "photos"
# Photos one entry of a file may name; an entry keeps at most PHOTOS_PER_ENTRY_MAX of them.
PHOTO_REFS_MAX = 1000
# A photo being imported waits in memory up to this size, on disk above it.
PHOTO_SPOOL_BYTES = 1024 * 1024
_MD5 = re.compile(r"[0-9a-f]{32}")
_DAYONE_IDENTIFIER = re.compile(r"[A-Za-z0-9-]{1,64}")
_DAYONE_TYPE = re.compile(r"[a-z0-9]{1,10}")


class ImportInvalid(Exception):
    """The file cannot be imported; the message says why, naming the first bad record."""


class ImportTooLarge(Exception):
    pass


@dataclass(slots=True)
class PhotoRef:
    """A photo an entry of the file names, in the entry's order.

    `member` is the zip member holding it (None: not in the file), `md5` what its bytes must hash to,
    `reference` the text that names it in the entry ("dayone-moment://<identifier>", "attachment:<id>"),
    rewritten to the new photo's "attachment:<id>" once it is kept.
    """

    member: str | None
    md5: str | None = None
    caption: str = ""
    reference: str | None = None
    taken_at: datetime | None = None


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
    photos: list[PhotoRef] = field(default_factory=list)


@dataclass
class ParsedImport:
    file_format: str
    total: int = 0
    skipped: int = 0  # empty records and repeats within the file
    records: list[ImportRecord] = field(default_factory=list)
    archive: PhotoArchive | None = None  # the zip's photos, unpacked as the entries naming them are added


class _Bad(Exception):
    """A problem with one field of one record; turned into ImportInvalid with the record named."""


# Field names are translated only when a message is built: validation runs for every record.
FIELD_TITLE = gettext_lazy("the title")
FIELD_CONTENT = gettext_lazy("the content")
FIELD_DATE = gettext_lazy("the date")
FIELD_ID = gettext_lazy("the id")
FIELD_TAG = gettext_lazy("a tag")
FIELD_CAPTION = gettext_lazy("a photo's caption")
FIELD_TAKEN = gettext_lazy("a photo's taken_at")


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
    photos = _own_photos(raw.get("attachments"), tz)
    if not title and not content and mood is None and not photos:
        return None  # a check-in (a mood alone) is an entry, and so are photos alone; nothing at all is not
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
        photos=photos,
    )


def _md5(value: Any) -> str | None:
    if isinstance(value, str) and _MD5.fullmatch(value.lower()):
        return value.lower()
    return None


def _own_photos(value: Any, tz: zoneinfo.ZoneInfo) -> list[PhotoRef]:
    """The `attachments` of an entry of this journal's export: each names its file in the zip
    (`path`, null when the export could not read it) and the file's md5 (docs/api.md)."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > PHOTO_REFS_MAX:
        raise _Bad(_("attachments must be a list"))
    photos = []
    for item in value:
        if not isinstance(item, dict):
            raise _Bad(_("each of the attachments must be an object"))
        path, md5, number = item.get("path"), item.get("md5"), item.get("id")
        if path is not None and (not isinstance(path, str) or len(path) > 300):
            raise _Bad(_("an attachment's path must be text"))
        if md5 is not None and _md5(md5) is None:
            raise _Bad(_("an attachment's md5 must be 32 hexadecimal digits"))
        caption = _check_text(item.get("caption"), FIELD_CAPTION, max_chars=CAPTION_MAX_LENGTH, default="")
        taken = item.get("taken_at")
        known = isinstance(number, int) and not isinstance(number, bool) and number > 0
        photos.append(PhotoRef(
            member=path, md5=_md5(md5), caption=caption.strip(),
            reference=f"attachment:{number}" if known else None,
            taken_at=None if taken is None else _check_datetime(taken, FIELD_TAKEN, tz),
        ))
    return photos


def _dayone_photos(value: Any) -> list[PhotoRef]:
    """An entry's Day One `photos`, in `orderInEntry` order: each file is `photos/<md5>.<type>` in the zip,
    and the text names it `dayone-moment://<identifier>`."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > PHOTO_REFS_MAX:
        raise _Bad(_("the photos must be a list"))
    ordered = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise _Bad(_("each of the photos must be an object"))
        order = item.get("orderInEntry")
        order = order if isinstance(order, int) and not isinstance(order, bool) else PHOTO_REFS_MAX
        md5, kind, identifier = _md5(item.get("md5")), item.get("type"), item.get("identifier")
        kind = kind.lower() if isinstance(kind, str) and _DAYONE_TYPE.fullmatch(kind.lower()) else "jpeg"
        known = isinstance(identifier, str) and _DAYONE_IDENTIFIER.fullmatch(identifier)
        photo = PhotoRef(
            member=f"{PHOTOS_FOLDER}/{md5}.{kind}" if md5 else None, md5=md5,
            reference=f"dayone-moment://{identifier}" if known else None,
        )
        ordered.append((order, index, photo))
    return [photo for _order, _index, photo in sorted(ordered, key=lambda item: item[:2])]


def _foreign_record(
    uid: Any, prefix: str, created_at: datetime, title: str, content: str, emotions: list[str], tags: list[str],
    photos: list[PhotoRef] | None = None,
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
        photos=photos or [],
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
    photos = _dayone_photos(raw.get("photos"))
    if not title and not content and not photos:
        return None
    return _foreign_record(raw.get("uuid"), "dayone:", created_at, title, content, emotions, _own_tags(others),
                           photos)


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


def _is_photo_member(info: zipfile.ZipInfo) -> bool:
    """A file in a `photos/` folder: where this journal's zip and Day One's keep their photos."""
    path = PurePosixPath(info.filename)
    return (not info.is_dir() and path.parent.name.lower() == PHOTOS_FOLDER
            and not info.filename.startswith("__MACOSX/"))


def _zip_members(archive: zipfile.ZipFile) -> tuple[list[zipfile.ZipInfo], list[zipfile.ZipInfo]]:
    """The JSON members of a zip, or else its Markdown files (this journal's Markdown export), and its photos,
    all checked from its central directory before anything is unpacked (docs/import-limits.md)."""
    members = _named(archive, ".json") or _named(archive, ".md")
    if not members:
        raise ImportInvalid(_("The zip file holds no JSON or Markdown file.") + " " + str(FORMATS_READ))
    photos = [info for info in archive.infolist() if _is_photo_member(info)]
    unpacked = members + photos
    if any(info.flag_bits & 0x1 for info in unpacked):
        raise ImportInvalid(_("The zip file is protected by a password. Export it again without one."))
    if sum(info.file_size for info in unpacked) > settings.IMPORT_MAX_BYTES:
        raise _too_large()
    for info in unpacked:
        if info.file_size > max(info.compress_size, 1) * IMPORT_ZIP_MAX_RATIO:
            raise ImportInvalid(_("The zip file expands too much to be an export (%(name)s).") % {
                "name": info.filename})
    return members, photos


def import_expanded_size(data: bytes) -> int:
    """The bytes a file holds once unpacked, photos included; refuses a zip bomb from the zip's directory
    alone."""
    if not _is_zip(data):
        return len(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members, photos = _zip_members(archive)
            return sum(info.file_size for info in members + photos)
    except _ZIP_ERRORS:
        raise ImportInvalid(_ZIP_DAMAGED) from None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, out=None) -> bytes:
    """A member, unpacked piece by piece: never more than its directory says, nor than the budget.

    Into `out` (a file) when given, else returned.
    """
    parts, size = [], 0
    with archive.open(info) as member:
        while chunk := member.read(ZIP_READ_CHUNK):
            size += len(chunk)
            if size > info.file_size:
                raise ImportInvalid(_ZIP_DAMAGED)
            if size > budget:
                raise _too_large()
            if out is None:
                parts.append(chunk)
            else:
                out.write(chunk)
    return b"".join(parts)


class PhotoArchive:
    """The photos of an uploaded zip, found by name or by md5 and unpacked one at a time.

    What is unpacked counts against what is left of the file's budget once its JSON is read, so the
    photos stay within the limits the directory was checked against (docs/import-limits.md). A member
    read once and found damaged is not read again.
    """

    def __init__(self, data: bytes, photos: list[zipfile.ZipInfo], budget: int) -> None:
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        self.members = {info.filename: info for info in photos}
        self.by_md5 = {PurePosixPath(name).stem.lower(): name for name in self.members}
        self.budget = budget
        self.read: set[str] = set()
        self.damaged: set[str] = set()

    def find(self, *, name: str | None, md5: str | None) -> str | None:
        if name in self.members:
            return name
        return self.by_md5.get(md5) if md5 else None

    def open(self, name: str, *, md5: str | None) -> IO[bytes] | None:
        """The member's bytes in a temporary file at position 0 (the caller closes it), or None when the
        file is damaged: its CRC or the md5 the entry gives does not match."""
        if name in self.damaged:
            return None
        info = self.members[name]
        out = tempfile.SpooledTemporaryFile(max_size=PHOTO_SPOOL_BYTES)  # noqa: SIM115 - handed to the caller
        try:
            # A photo two entries share is counted once: the budget stands for the file's own size.
            budget = self.budget if name not in self.read else info.file_size
            _read_member(self.archive, info, budget, out=out)
            if name not in self.read:
                self.budget -= info.file_size
                self.read.add(name)
            if md5 and _md5_of(out) != md5:
                raise zipfile.BadZipFile
        except (zipfile.BadZipFile, zlib_error, EOFError):
            out.close()
            self.damaged.add(name)
            return None
        except BaseException:
            out.close()
            raise
        out.seek(0)
        return out


def _md5_of(handle: IO[bytes]) -> str:
    handle.seek(0)
    digest = hashlib.md5(usedforsecurity=False)
    while chunk := handle.read(ZIP_READ_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _documents(data: bytes, max_bytes: int) -> tuple[list[tuple[str | None, Any]], PhotoArchive | None]:
    """The JSON documents of an upload: the file itself, each .json file of a zip (Day One's export), or
    each Markdown file of this journal's Markdown zip, read as a document of one entry; and the zip's
    photos, if it has any."""
    if not _is_zip(data):
        return [(None, _decode_json(data))], None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = max_bytes
            documents = []
            members, photos = _zip_members(archive)
            for info in members:
                content = _read_member(archive, info, budget)
                budget -= len(content)
                if info.filename.lower().endswith(".md"):
                    documents.append((info.filename, _markdown_document(content, info.filename)))
                else:
                    documents.append((info.filename, _decode_json(content, info.filename)))
            return documents, (PhotoArchive(data, photos, budget) if photos else None)
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
    documents, archive = _documents(data, settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes)
    formats = {_detect(document) for _name, document in documents}
    if len(formats) > 1:
        raise ImportInvalid(_("The zip file mixes exports of different programs."))
    file_format = formats.pop()
    reader = _READERS[file_format]
    parsed = ParsedImport(file_format=file_format, archive=archive)
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
            for photo in record.photos:  # a file the zip does not hold is left for the import to count
                photo.member = archive.find(name=photo.member, md5=photo.md5) if archive else None
            parsed.records.append(record)
    return parsed
