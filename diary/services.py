"""Every write to diary entries.

Each write validates the whole entry (one ValidationError naming every bad
field, so a form or the API can show all problems at once), keeps
``word_count`` in step with the content, and invalidates the owner's cached
statistics once the transaction commits, so statistics never contradict the
diary.
"""

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary.attachments import entry_files
from diary.cache import user_stats_invalidate
from diary.emotions import EMOTION_CODES, MOOD_RANGE_MESSAGE
from diary.excerpts import excerpt_from_markdown
from diary.models import Attachment, DiaryEntry, EntryTemplate, UserTag
from diary.search import json_number_in, tag_hashes
from diary.words import word_count
from diary.writing import user_tags
from journal_site.blobs import blobs_delete

TITLE_MAX_LENGTH = 200
CONTENT_MAX_LENGTH = 100_000
# Entries are about the past; a day of slack covers every time zone.
DATE_MIN = datetime(1900, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)
EDITABLE_FIELDS = frozenset({"title", "content", "mood", "emotion_tags", "tags", "exclude_from_ai", "created_at"})
TAG_MAX_LENGTH = 40
TAGS_MAX = 20


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


def tags_clean(tags: Iterable[Any]) -> list[str]:
    """The user's own tags: trimmed names, one space between words, duplicates (any case) dropped."""
    if isinstance(tags, str | bytes) or not isinstance(tags, Iterable):
        raise ValidationError(_("Tags must be a list of names."), code="invalid")
    cleaned: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        if not isinstance(tag, str) or "\x00" in tag:
            raise ValidationError(_("Each tag must be text."), code="invalid")
        name = " ".join(tag.split())
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                _("Keep each tag under %(limit)s characters."), code="too_long", params={"limit": TAG_MAX_LENGTH}
            )
        if name.casefold() not in seen:
            seen.add(name.casefold())
            cleaned.append(name)
    if len(cleaned) > TAGS_MAX:
        raise ValidationError(_("Use at most %(limit)s tags."), code="too_many", params={"limit": TAGS_MAX})
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


def _mood_valid(mood: Any) -> bool:
    """A whole number within the range the model's own validators allow."""
    if isinstance(mood, bool) or not isinstance(mood, int):
        return False
    try:
        DiaryEntry._meta.get_field("mood").run_validators(mood)
    except ValidationError:
        return False
    return True


def _entry_clean(fields: Mapping[str, Any], *, current: DiaryEntry | None = None) -> dict[str, Any]:
    """Validate the given fields of an entry (a change to `current`, if given); return them cleaned.

    Text is required unless the entry has a mood: a mood alone is a check-in
    (docs/writing.md). Blank text beside a mood is stored empty.
    """
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}
    if "title" in fields:
        title = fields["title"] if fields["title"] is not None else ""
        errors["title"] = _text_errors(title, max_length=TITLE_MAX_LENGTH, required=False)
        cleaned["title"] = title.strip() if isinstance(title, str) else title
    if "content" in fields:
        content = fields["content"] if fields["content"] is not None else ""
        errors["content"] = _text_errors(content, max_length=CONTENT_MAX_LENGTH, required=False)
        cleaned["content"] = content if not isinstance(content, str) or content.strip() else ""
    if "mood" in fields:
        mood = fields["mood"]
        if mood is not None and not _mood_valid(mood):
            errors["mood"] = [str(MOOD_RANGE_MESSAGE)]
        cleaned["mood"] = mood
    if "emotion_tags" in fields:
        try:
            cleaned["emotion_tags"] = emotion_tags_clean(fields["emotion_tags"] or [])
        except ValidationError as error:
            errors["emotion_tags"] = error.messages
    if "tags" in fields:
        try:
            cleaned["tags"] = tags_clean(fields["tags"] or [])
        except ValidationError as error:
            errors["tags"] = error.messages
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
    if not errors.get("content") and ("content" in fields or "mood" in fields):
        content = cleaned.get("content", current.content if current else "")
        # A mood out of range is no mood: its own error says so, and the text is still needed.
        mood = None if errors.get("mood") else cleaned.get("mood", current.mood if current else None)
        if not content and mood is None:
            errors["content"] = [_("Write something first, or pick a mood.")]
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _invalidate_on_commit(user_id: int) -> None:
    transaction.on_commit(partial(user_stats_invalidate, user_id=user_id))


# Own tags an account keeps at most (docs/limits.md); entries name tags from this list.
USER_TAGS_MAX = 1000


def text_bytes(title: str, content: str) -> int:
    """What an entry counts against the account's text budget: its title and text in UTF-8."""
    return len(title.encode()) + len(content.encode())


def text_budget_take(*, user_id: int, delta: int) -> None:
    """Add `delta` bytes to the account's text, refusing (400 naming `content`) past ACCOUNT_TEXT_BUDGET_BYTES.

    One conditional UPDATE of the user's row: the check and the count cannot be raced. A negative delta
    (an edit that shortens, a deletion) always goes through. Inside a transaction the row stays locked
    until the commit, so the account's other writes wait: writes take their bytes through `text_budget`.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import F

    users = get_user_model().objects.filter(pk=user_id)
    if delta > 0:
        users = users.filter(text_bytes__lte=settings.ACCOUNT_TEXT_BUDGET_BYTES - delta)
    if delta and not users.update(text_bytes=F("text_bytes") + delta):
        budget_mb = settings.ACCOUNT_TEXT_BUDGET_BYTES / 2**20
        raise ValidationError({"content": [_(
            "Your journal holds as much text as an account keeps (%(limit)s MB). Shorten or delete some "
            "entries, or export and make room.") % {"limit": f"{budget_mb:,.0f}"}]})


@contextmanager
def text_budget(*, user_id: int, delta: int):
    """Take `delta` bytes before the write in the block, and give them back if the block fails.

    The take is its own statement (outside the write's transaction), so the user's row is locked for a
    moment, not for the whole write: an account's concurrent writes do not queue behind one another
    (docs/limits.md). A process that dies inside the block leaves the count high by that write.
    """
    text_budget_take(user_id=user_id, delta=delta)
    try:
        yield
    except BaseException:
        text_budget_take(user_id=user_id, delta=-delta)
        raise


def _user_row_lock(user_id: int) -> None:
    """Lock the user's row until the transaction ends: writes that check a per-user cap take turns."""
    from django.contrib.auth import get_user_model

    list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def _user_tags_remember(*, user_id: int, names: list[str]) -> None:
    """Add names the user has not used before to their tag list, within USER_TAGS_MAX (a clear 400 past it)."""
    if not names:
        return
    _user_row_lock(user_id)
    known = {name.casefold() for name in user_tags(user=user_id).values()}
    new = list({name.casefold(): name for name in names if name.casefold() not in known}.values())
    if new and len(known) + len(new) > USER_TAGS_MAX:
        raise ValidationError({"tags": [_(
            "You have %(count)s tags, and an account keeps at most %(limit)s. Use tags you have, or rename, "
            "merge or remove some in Settings → Your tags.") % {"count": len(known), "limit": USER_TAGS_MAX}]})
    if new:
        UserTag.objects.bulk_create([UserTag(user_id=user_id, name=name) for name in new], ignore_conflicts=True)


def _user_tags_spelled(*, user_id: int, names: list[str]) -> list[str]:
    """The names as the user's tag list already spells them ("walk" is "Walk" once "Walk" exists).

    One spelling per tag keeps what entries show the same as the list; the filter goes by a hash of any case.
    """
    if not names:
        return names
    known = {spelled.casefold(): spelled for spelled in user_tags(user=user_id).values()}
    return [known.get(name.casefold(), name) for name in names]


def entry_create(
    *,
    user,
    content: str = "",
    title: str = "",
    mood: int | None = None,
    emotion_tags: Iterable[str] = (),
    tags: Iterable[str] = (),
    exclude_from_ai: bool = False,
    created_at: datetime | None = None,
) -> DiaryEntry:
    """Create an entry for `user`; `created_at` defaults to now. A mood without text is a check-in."""
    cleaned = _entry_clean(
        {
            "title": title,
            "content": content,
            "mood": mood,
            "emotion_tags": emotion_tags,
            "tags": tags,
            "exclude_from_ai": exclude_from_ai,
            "created_at": created_at or timezone.now(),
        }
    )
    cleaned["tags"] = _user_tags_spelled(user_id=user.pk, names=cleaned["tags"])
    entry = DiaryEntry(
        user=user, word_count=word_count(cleaned["content"]), excerpt=excerpt_from_markdown(cleaned["content"]),
        **cleaned,
    )
    with text_budget(user_id=user.pk, delta=text_bytes(cleaned["title"], cleaned["content"])), transaction.atomic():
        entry.save(force_insert=True)
        _user_tags_remember(user_id=user.pk, names=cleaned["tags"])
        _invalidate_on_commit(user.pk)
    return entry


def entry_update(*, entry: DiaryEntry, data: Mapping[str, Any]) -> DiaryEntry:
    """Change the fields named in `data` (a partial update); other fields stay as they are."""
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"entry_update() cannot change {sorted(unknown)}")
    cleaned = _entry_clean(data, current=entry)
    if "tags" in cleaned and cleaned["tags"] != entry.tags:
        cleaned["tags"] = _user_tags_spelled(user_id=entry.user_id, names=cleaned["tags"])
    changed = [field for field, value in cleaned.items() if getattr(entry, field) != value]
    if not changed:
        return entry
    before = text_bytes(entry.title, entry.content) if {"title", "content"} & set(changed) else 0
    for field in changed:
        setattr(entry, field, cleaned[field])
    if "content" in changed:
        entry.word_count = word_count(entry.content)
        entry.excerpt = excerpt_from_markdown(entry.content)
        changed += ["word_count", "excerpt"]
    if "content" in changed or "title" in changed:
        changed.append("search_index")  # made again from the new text (diary.search.BlindIndexField)
    if "tags" in changed:
        changed.append("tag_index")  # the tags' hashes, which filters and statistics use (diary.search)
    delta = text_bytes(entry.title, entry.content) - before if {"title", "content"} & set(changed) else 0
    with text_budget(user_id=entry.user_id, delta=delta), transaction.atomic():
        entry.save(update_fields=[*changed, "updated_at"])
        if "tags" in changed:
            _user_tags_remember(user_id=entry.user_id, names=entry.tags)
        _invalidate_on_commit(entry.user_id)
    return entry


def entry_delete(*, entry: DiaryEntry) -> None:
    user_id = entry.user_id
    with text_budget(user_id=user_id, delta=-text_bytes(entry.title, entry.content)), transaction.atomic():
        # Its photos first (their foreign key does not cascade: diary.models.Attachment), their files
        # once the rows are gone for good.
        files = entry_files(entry_ids=[entry.pk])
        if files:
            Attachment.objects.filter(entry=entry).delete()
            transaction.on_commit(partial(blobs_delete, files))
        entry.delete()
        _invalidate_on_commit(user_id)


def user_tag_create(*, user, name: str) -> UserTag:
    """Add a tag to the user's list; the existing one (any letter case) when the name is taken."""
    names = tags_clean([name])
    if not names:
        raise ValidationError({"name": [_("Give the tag a name.")]})
    with transaction.atomic():
        _user_tags_remember(user_id=user.pk, names=names)
        _invalidate_on_commit(user.pk)  # the filter's list of tags (diary.selectors.user_tag_names_cached)
    return _user_tag(user=user, name=names[0])


def user_tag_rename(*, user, old: str, new: str) -> int:
    """Rename the user's tag `old` to `new` on their list and on every entry; into a tag that exists
    (any letter case) it merges. An empty `new` removes the tag everywhere. Returns the entries changed.

    Entries keep their other tags and their order; a changed entry's updated_at moves, so its cached
    card is not shown again (docs/reading.md).
    """
    current = _user_tag(user=user, name=old)
    if current is None:
        raise ValidationError({"old": [_("You have no tag by that name.")]})
    try:
        cleaned = tags_clean([new])
    except ValidationError as error:
        raise ValidationError({"new": error.messages}) from None
    target = cleaned[0] if cleaned else None
    with transaction.atomic():
        other = _user_tag(user=user, name=target) if target else None
        other = None if other is None or other.pk == current.pk else other
        if other is not None:
            target = other.name  # a merge keeps the spelling of the tag merged into
        changed = 0
        for entry in _entries_tagged(user_id=user.pk, name=current.name).select_for_update():
            kept: list[str] = []
            for name in entry.tags:
                name = target if name.casefold() == current.name.casefold() else name
                if name and name.casefold() not in {k.casefold() for k in kept}:
                    kept.append(name)
            if kept != entry.tags:
                entry.tags = kept
                entry.save(update_fields=["tags", "tag_index", "updated_at"])
                changed += 1
        if target is None or other is not None:
            current.delete()
        else:
            current.name = target
            current.save(update_fields=["name", "name_hash"])
        _invalidate_on_commit(user.pk)
    return changed


def _user_tag(*, user, name: str) -> UserTag | None:
    """The user's tag of this name in any letter case, found by its hash (the name is sealed)."""
    (name_hash,) = tag_hashes(user_id=user.pk, names=[name])
    return UserTag.objects.filter(user=user, name_hash=name_hash).first()


def _entries_tagged(*, user_id: int, name: str):
    """The user's entries that carry the own tag `name` in any case (ix_diary_entries_tags on PostgreSQL)."""
    (name_hash,) = tag_hashes(user_id=user_id, names=[name])
    return DiaryEntry.objects.filter(json_number_in("tag_index", name_hash), user_id=user_id)


TEMPLATE_NAME_MAX_LENGTH = 80
TEMPLATE_CONTENT_MAX_LENGTH = 10_000
TEMPLATES_MAX = 50


def _template_clean(*, name: Any, content: Any) -> dict[str, str]:
    errors = {
        "name": _text_errors(name, max_length=TEMPLATE_NAME_MAX_LENGTH, required=True),
        "content": _text_errors(content, max_length=TEMPLATE_CONTENT_MAX_LENGTH, required=True),
    }
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    return {"name": name.strip(), "content": content}


def entry_template_create(*, user, name: str, content: str) -> EntryTemplate:
    cleaned = _template_clean(name=name, content=content)
    with transaction.atomic():
        # The user's row is the lock: concurrent creates count one after another, so the cap holds.
        _user_row_lock(user.pk)
        if EntryTemplate.objects.filter(user=user).count() >= TEMPLATES_MAX:
            raise ValidationError({"name": [_("You have %(limit)s templates; delete one first.") % {
                "limit": TEMPLATES_MAX}]})
        return EntryTemplate.objects.create(user=user, **cleaned)


def entry_template_update(*, template: EntryTemplate, name: str, content: str) -> EntryTemplate:
    cleaned = _template_clean(name=name, content=content)
    template.name, template.content = cleaned["name"], cleaned["content"]
    template.save(update_fields=["name", "content"])
    return template


def entry_template_delete(*, template: EntryTemplate) -> None:
    template.delete()
