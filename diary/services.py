"""Every write to diary entries.

Each write validates the whole entry (one ValidationError naming every bad
field, so a form or the API can show all problems at once), keeps
``word_count`` in step with the content, and invalidates the owner's cached
statistics once the transaction commits, so statistics never contradict the
diary.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.cache import user_stats_invalidate
from diary.emotions import EMOTION_CODES, MOOD_MAX, MOOD_MIN, MOOD_RANGE_MESSAGE
from diary.excerpts import excerpt_from_markdown
from diary.models import DiaryEntry

TITLE_MAX_LENGTH = 200
CONTENT_MAX_LENGTH = 100_000
# Entries are about the past; a day of slack covers every time zone.
DATE_MIN = datetime(1900, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)
EDITABLE_FIELDS = frozenset({"title", "content", "mood", "emotion_tags", "exclude_from_ai", "created_at"})

# Words joined by an apostrophe (straight or typographic) or a hyphen count once.
_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def emotion_tags_clean(tags: Iterable[Any]) -> list[str]:
    """Known emotion codes, duplicates dropped, in the order given; ValidationError otherwise."""
    if isinstance(tags, str | bytes) or not isinstance(tags, Iterable):
        raise ValidationError(_("Emotions must be a list of emotion codes."), code="invalid")
    cleaned: list[str] = []
    unknown: list[str] = []
    for tag in tags:
        if not isinstance(tag, str) or tag not in EMOTION_CODES:
            unknown.append(str(tag)[:40])
        elif tag not in cleaned:
            cleaned.append(tag)
    if unknown:
        raise ValidationError(
            _("Unknown emotion: %(codes)s. Use one of the codes listed at /api/v1/emotions/."),
            code="unknown_emotion",
            params={"codes": ", ".join(unknown)},
        )
    return cleaned


def _text_errors(value: Any, *, max_length: int, required: bool) -> list[str]:
    if not isinstance(value, str):
        return [_("This must be text.")]
    if "\x00" in value:
        return [_("Null characters are not allowed.")]
    if required and not value.strip():
        return [_("Write something first.")]
    if len(value) > max_length:
        return [_("Keep this under %(limit)s characters (it has %(length)s).") % {
            "limit": max_length, "length": len(value)}]
    return []


def _entry_clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the given fields of an entry; return them cleaned."""
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}
    if "title" in fields:
        title = fields["title"] if fields["title"] is not None else ""
        errors["title"] = _text_errors(title, max_length=TITLE_MAX_LENGTH, required=False)
        cleaned["title"] = title.strip() if isinstance(title, str) else title
    if "content" in fields:
        errors["content"] = _text_errors(fields["content"], max_length=CONTENT_MAX_LENGTH, required=True)
        cleaned["content"] = fields["content"]
    if "mood" in fields:
        mood = fields["mood"]
        if mood is not None and (isinstance(mood, bool) or not isinstance(mood, int) or not
                                 MOOD_MIN <= mood <= MOOD_MAX):
            errors["mood"] = [str(MOOD_RANGE_MESSAGE)]
        cleaned["mood"] = mood
    if "emotion_tags" in fields:
        try:
            cleaned["emotion_tags"] = emotion_tags_clean(fields["emotion_tags"] or [])
        except ValidationError as error:
            errors["emotion_tags"] = error.messages
    if "exclude_from_ai" in fields:
        cleaned["exclude_from_ai"] = bool(fields["exclude_from_ai"])
    if "created_at" in fields:
        created_at = fields["created_at"]
        if not isinstance(created_at, datetime):
            errors["created_at"] = [_("Enter a valid date and time.")]
        else:
            try:
                if timezone.is_naive(created_at):
                    created_at = timezone.make_aware(created_at)
                # Year 1 at +14:00 is before datetime.min in UTC: an overflow, not a 500.
                created_at.astimezone(UTC)
            except (OverflowError, ValueError):
                created_at = DATE_MIN - timedelta(days=1)
            if created_at < DATE_MIN:
                errors["created_at"] = [_("The date must be in 1900 or later.")]
            elif created_at > timezone.now() + FUTURE_TOLERANCE:
                errors["created_at"] = [_("The date can't be in the future.")]
            cleaned["created_at"] = created_at
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _invalidate_on_commit(user_id: int) -> None:
    transaction.on_commit(partial(user_stats_invalidate, user_id=user_id))


def entry_create(
    *,
    user,
    content: str,
    title: str = "",
    mood: int | None = None,
    emotion_tags: Iterable[str] = (),
    exclude_from_ai: bool = False,
    created_at: datetime | None = None,
) -> DiaryEntry:
    """Create an entry for `user`; `created_at` defaults to now."""
    cleaned = _entry_clean(
        {
            "title": title,
            "content": content,
            "mood": mood,
            "emotion_tags": emotion_tags,
            "exclude_from_ai": exclude_from_ai,
            "created_at": created_at or timezone.now(),
        }
    )
    entry = DiaryEntry(
        user=user, word_count=word_count(cleaned["content"]), excerpt=excerpt_from_markdown(cleaned["content"]),
        **cleaned,
    )
    with transaction.atomic():
        entry.save(force_insert=True)
        _invalidate_on_commit(user.pk)
    return entry


def entry_update(*, entry: DiaryEntry, data: Mapping[str, Any]) -> DiaryEntry:
    """Change the fields named in `data` (a partial update); other fields stay as they are."""
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"entry_update() cannot change {sorted(unknown)}")
    cleaned = _entry_clean(data)
    changed = [field for field, value in cleaned.items() if getattr(entry, field) != value]
    if not changed:
        return entry
    for field in changed:
        setattr(entry, field, cleaned[field])
    if "content" in changed:
        entry.word_count = word_count(entry.content)
        entry.excerpt = excerpt_from_markdown(entry.content)
        changed += ["word_count", "excerpt"]
    with transaction.atomic():
        entry.save(update_fields=[*changed, "updated_at"])
        _invalidate_on_commit(entry.user_id)
    return entry


def entry_delete(*, entry: DiaryEntry) -> None:
    user_id = entry.user_id
    with transaction.atomic():
        entry.delete()
        _invalidate_on_commit(user_id)
