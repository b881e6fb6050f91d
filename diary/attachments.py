"""Photos in entries: adding, changing and removing them, and reading them back (docs/photos.md).

Every write goes through here: the pages (diary.views_photos), the API (diary.api_photos) and the import
(portability). A photo's files are sealed with a key of its own (journal_site.blobs); the row keeps that
key sealed with the owner's data key. Files are deleted only after the rows are gone (on commit), so a
rolled-back delete never loses a photo; what a crash leaves behind the daily sweep removes.
"""

import base64
import logging
import secrets
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.keys import unseal
from accounts.models import User
from accounts.timezones import user_zone
from diary import images
from diary.images import PhotoRefused
from diary.models import Attachment, DiaryEntry
from journal_site import blobs, outbox
from journal_site.metrics import PHOTO_THUMBNAIL_DURATION, PHOTO_UPLOAD_BYTES, PHOTO_UPLOADS

logger = logging.getLogger(__name__)

PHOTOS_PER_ENTRY_MAX = 30
CAPTION_MAX_LENGTH = 500
VARIANTS = ("original", "320", "1280")
# A file in the store with no row is removed by the daily sweep once it is this old (an upload in
# flight has its file before its row).
ORPHAN_AGE = timedelta(hours=6)


class QuotaExceeded(Exception):
    def __init__(self, *, used: int, quota: int):
        super().__init__("photo quota")
        self.used = used
        self.quota = quota


def size_text(size: int) -> str:
    """A byte count as people read it: "1.4 GB", "320 MB", "12 KB"."""
    for unit, step in ((_("GB"), 1024 ** 3), (_("MB"), 1024 ** 2), (_("KB"), 1024)):
        if size >= step:
            value = size / step
            return f"{value:.1f} {unit}" if value < 10 and value != int(value) else f"{round(value)} {unit}"
    return _("%(n)d bytes") % {"n": size}


STORE_UNAVAILABLE_MESSAGE = gettext_lazy("The photo could not be stored just now. Please try again in a minute.")


def quota_message(error: QuotaExceeded) -> str:
    return _("Your photos would pass your %(quota)s of space (%(used)s used). Delete some photos first.") % {
        "quota": size_text(error.quota), "used": size_text(error.used)}


# --- Reading --------------------------------------------------------------------------------------


def attachment_get_for_user(*, user, attachment_id: int) -> Attachment:
    try:
        # Not the entry: answering a photo's bytes has no use for the entry's text.
        return Attachment.objects.get(pk=attachment_id, user=user)
    except Attachment.DoesNotExist:
        raise Http404 from None


def attachment_list(*, entry: DiaryEntry) -> list[Attachment]:
    return list(Attachment.objects.filter(entry=entry).defer("file_key"))


def attachments_by_entry(*, user_id: int, entry_ids: list[int]) -> dict[int, list[Attachment]]:
    """The photos of many entries in one query (a list page, an API page)."""
    found: dict[int, list[Attachment]] = {}
    if entry_ids:
        for row in Attachment.objects.filter(user_id=user_id, entry_id__in=entry_ids).defer("file_key"):
            found.setdefault(row.entry_id, []).append(row)
    return found


def covers_attach(entries) -> None:
    """Give each entry its `cover`, the first photo's small thumbnail for its card (or None): one query
    for the whole page. Every page that shows cards calls it, since a card is kept by what it shows
    (diary.templatetags.diary_tags.entry_card)."""
    entries = list(entries)
    for entry in entries:
        entry.cover = None
    if not entries:
        return
    by_id = {entry.pk: entry for entry in entries}
    rows = (Attachment.objects.filter(entry_id__in=list(by_id)).order_by("entry_id", "position", "id")
            .values_list("entry_id", "id", "digest", "thumbs_ready", "caption"))
    for entry_id, attachment_id, digest, ready, caption in rows:
        entry = by_id[entry_id]
        if entry.cover is None:
            entry.cover = {"url": reverse("diary:photo", args=[attachment_id, digest, "320"]) if ready else None,
                           "caption": unseal(user_id=entry.user_id, field=Attachment._meta.get_field("caption").place,
                                             value=caption)}


def inline_addresses(photos: list[Attachment]) -> dict[int, str]:
    """What `![caption](attachment:<id>)` in an entry's text shows: the large thumbnail, else the original."""
    return {row.pk: photo_url(row, "1280" if row.thumbs_ready else "original") for row in photos}


def photo_view(attachment: Attachment) -> dict:
    """What a page shows of a photo: its addresses (the thumbnails once made), size and caption."""
    ready = attachment.thumbs_ready
    return {
        "id": attachment.pk,
        "caption": attachment.caption,
        "width": attachment.width,
        "height": attachment.height,
        "ready": ready,
        "original": photo_url(attachment, "original"),
        "small": photo_url(attachment, "320"),
        "large": photo_url(attachment, "1280"),
        "content_type": attachment.content_type,
        "taken_at": attachment.taken_at,
    }


def photo_space_used(*, user_id: int) -> int:
    return Attachment.objects.filter(user_id=user_id).aggregate(total=Sum("stored_bytes"))["total"] or 0


def photo_space(*, user_id: int, used: bool = True) -> dict:
    """The photo limits a page states (the editor, the settings page), in words; with `used`, the space the
    user's photos take too (one query)."""
    quota = settings.PHOTO_QUOTA_BYTES
    space = {"max_file": size_text(settings.PHOTO_MAX_BYTES), "quota": size_text(quota)}
    if used:
        taken = photo_space_used(user_id=user_id)
        space.update(used=size_text(taken), percent=min(100, round(100 * taken / quota)) if quota else 100)
    return space


def photo_url(attachment: Attachment, variant: str) -> str:
    return reverse("diary:photo", args=[attachment.pk, attachment.digest, variant])


def thumbnail_url(attachment: Attachment, size: str = "320") -> str | None:
    return photo_url(attachment, size) if attachment.thumbs_ready else None


def attachment_data(attachment: Attachment) -> dict:
    """An attachment as the API and the export write it."""
    return {
        "id": attachment.pk,
        "content_type": attachment.content_type,
        "width": attachment.width,
        "height": attachment.height,
        "caption": attachment.caption,
        "thumbnail_url": thumbnail_url(attachment),
        "url": photo_url(attachment, "original"),
    }


def _file_key(attachment: Attachment) -> bytes:
    # A row read with file_key deferred loads it here, as Django loads any deferred field.
    return base64.b64decode(attachment.file_key)


def attachment_bytes(*, attachment: Attachment, variant: str) -> Iterator[bytes]:
    """The plain bytes of one of the photo's files, in chunks (the thumbnails once they are made)."""
    if variant not in VARIANTS or (variant != "original" and not attachment.thumbs_ready):
        raise Http404
    name = attachment.original if variant == "original" else attachment.thumbnail_names[variant]
    return blobs.blob_open(name, key=_file_key(attachment), role=variant)


def attachment_read(*, attachment: Attachment, variant: str = "original") -> bytes:
    return b"".join(attachment_bytes(attachment=attachment, variant=variant))


# --- Writing --------------------------------------------------------------------------------------


def _check_quota(user_id: int, adding: int) -> None:
    used = photo_space_used(user_id=user_id)
    if used + adding > settings.PHOTO_QUOTA_BYTES:
        raise QuotaExceeded(used=used, quota=settings.PHOTO_QUOTA_BYTES)


def _touch(entry_id: int) -> None:
    # A card kept in the fragments cache is keyed by the entry's updated_at (docs/caching.md).
    DiaryEntry.objects.filter(pk=entry_id).update(updated_at=timezone.now())


def attachment_create(*, entry: DiaryEntry, source: IO[bytes], caption: str = "") -> Attachment:
    """Keep a photo in `entry`: checked, cleaned, sealed and stored; thumbnails follow in the background.

    Raises PhotoRefused (not a photo we keep), QuotaExceeded, or ValidationError (too many photos,
    a caption too long).
    """
    user_id = entry.user_id
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX_LENGTH:
        raise ValidationError({"caption": [_("Keep the caption under %(n)d characters.") % {"n": CAPTION_MAX_LENGTH}]})
    if Attachment.objects.filter(entry=entry).count() >= PHOTOS_PER_ENTRY_MAX:
        raise ValidationError({"file": [_("An entry holds at most %(n)d photos.") % {"n": PHOTOS_PER_ENTRY_MAX}]})
    try:
        _check_quota(user_id, 0)
        prepared = images.photo_prepare(source)
    except PhotoRefused as refusal:
        PHOTO_UPLOADS.labels(outcome=refusal.code).inc()
        raise
    except QuotaExceeded:
        PHOTO_UPLOADS.labels(outcome="quota").inc()
        raise
    key = blobs.file_key_new()
    name = f"u{user_id}/{secrets.token_hex(16)}"
    with prepared.data:
        try:
            stored, digest = blobs.blob_save(name, prepared.data, key=key, role="original")
        except blobs.StoreUnavailable:
            PHOTO_UPLOADS.labels(outcome="store_unavailable").inc()
            raise
    try:
        with transaction.atomic():
            # One upload of the user at a time counts the space, so two at once cannot both pass the quota.
            list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))
            _check_quota(user_id, stored)
            if Attachment.objects.filter(entry=entry).count() >= PHOTOS_PER_ENTRY_MAX:  # again, under the lock
                raise ValidationError(
                    {"file": [_("An entry holds at most %(n)d photos.") % {"n": PHOTOS_PER_ENTRY_MAX}]})
            position = (Attachment.objects.filter(entry=entry).aggregate(last=Max("position"))["last"] or 0) + 1
            taken_at = None
            if prepared.taken_at is not None:
                taken_at = prepared.taken_at.replace(tzinfo=user_zone(entry.user))
            attachment = Attachment.objects.create(
                user_id=user_id, entry=entry, position=position, caption=caption,
                content_type=prepared.content_type, width=prepared.width, height=prepared.height,
                byte_size=prepared.byte_size, stored_bytes=stored, digest=digest[:32],
                file_key=base64.b64encode(key).decode(), original=name, taken_at=taken_at,
            )
            _touch(entry.pk)
            from diary.tasks import photo_thumbnails_task

            outbox.enqueue(photo_thumbnails_task, kwargs={"attachment_id": attachment.pk})
    except BaseException as error:
        blobs.blobs_delete([name])
        if isinstance(error, QuotaExceeded):
            PHOTO_UPLOADS.labels(outcome="quota").inc()
        raise
    PHOTO_UPLOADS.labels(outcome="kept").inc()
    PHOTO_UPLOAD_BYTES.inc(prepared.byte_size)
    return attachment


def attachment_thumbnails_make(*, attachment_id: int) -> bool:
    """Make the photo's thumbnails (320 and 1280 px WebP); idempotent. False when there is nothing to do."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.thumbs_ready:
        return False
    started = time.perf_counter()
    key = _file_key(attachment)
    names = attachment.thumbnail_names
    added = 0
    with tempfile.SpooledTemporaryFile(max_size=blobs.SPOOL_BYTES) as plain:
        for chunk in blobs.blob_open(attachment.original, key=key, role="original"):
            plain.write(chunk)
        plain.seek(0)
        made = images.thumbnails_make(plain, tuple(int(size) for size in names))
    for size, name in names.items():
        blobs.blobs_delete([name])  # a run cut short earlier may have left one
        stored, _digest = blobs.blob_save(name, made[int(size)], key=key, role=size)
        added += stored
    done = Attachment.objects.filter(pk=attachment_id, thumbs_ready=False).update(
        thumbs_ready=True, stored_bytes=F("stored_bytes") + added)
    if not done:
        if not Attachment.objects.filter(pk=attachment_id).exists():
            blobs.blobs_delete(list(names.values()))  # deleted meanwhile: its thumbnails go too
        return False
    _touch(attachment.entry_id)
    PHOTO_THUMBNAIL_DURATION.observe(time.perf_counter() - started)
    return True


def attachment_update(*, attachment: Attachment, caption: str) -> Attachment:
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX_LENGTH:
        raise ValidationError({"caption": [_("Keep the caption under %(n)d characters.") % {"n": CAPTION_MAX_LENGTH}]})
    with transaction.atomic():
        attachment.caption = caption
        attachment.save(update_fields=["caption"])
        _touch(attachment.entry_id)
    return attachment


def attachment_reorder(*, entry: DiaryEntry, order: list[int]) -> list[Attachment]:
    """Put the entry's photos in the order of `order`, which must name each of them once."""
    with transaction.atomic():
        rows = {row.pk: row for row in Attachment.objects.select_for_update().filter(entry=entry).defer("file_key")}
        if sorted(order) != sorted(rows) or len(set(order)) != len(order):
            raise ValidationError({"order": [_("Give the ids of all of this entry's photos, each once.")]})
        for position, attachment_id in enumerate(order, start=1):
            rows[attachment_id].position = position
        Attachment.objects.bulk_update(rows.values(), ["position"])
        _touch(entry.pk)
    return [rows[attachment_id] for attachment_id in order]


def attachment_move(*, attachment: Attachment, step: int) -> None:
    """Move a photo one place earlier (step -1) or later (+1) among its entry's photos (the page's arrows)."""
    order = list(Attachment.objects.filter(entry_id=attachment.entry_id).values_list("pk", flat=True))
    at = order.index(attachment.pk)
    to = min(max(at + step, 0), len(order) - 1)
    order.insert(to, order.pop(at))
    attachment_reorder(entry=attachment.entry, order=order)


def attachment_delete(*, attachment: Attachment) -> None:
    names = attachment.file_names
    with transaction.atomic():
        attachment.delete()
        _touch(attachment.entry_id)
        transaction.on_commit(lambda: blobs.blobs_delete(names))


def entry_files(*, entry_ids: list[int]) -> list[str]:
    """Every stored file of these entries' photos: what to delete once the entries are gone."""
    names = []
    for original in Attachment.objects.filter(entry_id__in=entry_ids).values_list("original", flat=True):
        names.extend([original, f"{original}.320", f"{original}.1280"])
    return names


def user_files_delete(*, user_id: int) -> int:
    """Erase every file of a deleted account (its folder in the store)."""
    return blobs.blobs_delete_under(f"u{user_id}")


def thumbnails_requeue(*, older_than: timedelta = timedelta(hours=1), limit: int = 1000) -> int:
    """Queue again the thumbnails of photos still without them an hour on (a task that ran out of tries)."""
    from diary.tasks import photo_thumbnails_task

    waiting = list(Attachment.objects.filter(thumbs_ready=False, created_at__lt=timezone.now() - older_than)
                   .order_by("id").values_list("pk", flat=True)[:limit])
    with transaction.atomic():
        for attachment_id in waiting:
            outbox.enqueue(photo_thumbnails_task, kwargs={"attachment_id": attachment_id})
    return len(waiting)


def orphans_delete(*, older_than: timedelta = ORPHAN_AGE) -> int:
    """Delete files in the store that no photo names (a crash between storing and saving, a failed delete)."""
    target = blobs.store()
    try:
        folders, _files = target.listdir("")
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    deleted = 0
    for folder in folders:
        if not (folder.startswith("u") and folder[1:].isdigit()):
            continue
        _sub, files = target.listdir(folder)
        known = set(Attachment.objects.filter(user_id=int(folder[1:])).values_list("original", flat=True))
        for name in files:
            path = f"{folder}/{name}"
            if path.split(".")[0] in known:
                continue
            if target.get_modified_time(path) > cutoff:
                continue
            target.delete(path)
            deleted += 1
    return deleted
