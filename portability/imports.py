"""The import pipeline: validated records into the diary, at once or through a job.

Rows are inserted in one transaction, 1,000 at a time; entries already in the
diary (same source id, or same date, title and text) are skipped, so importing
the same file twice creates no duplicates. Text is stored exactly as written;
pages escape or sanitise it when they show it, save that the references to the
photos a zip brings are rewritten to the photos kept ("attachment:<id>").

A new entry's photos go through diary.attachments.attachment_create, like an
upload: checked, cleaned and sealed. One that is missing, damaged or refused is
counted and left out; a full photo space stops the photos, not the entries
(docs/import-limits.md).
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.keys import seal_bytes, unseal, unseal_bytes
from accounts.timezones import user_zone
from diary.attachments import QuotaExceeded, attachment_create
from diary.cache import user_stats_invalidate
from diary.excerpts import excerpt_from_markdown
from diary.images import PhotoRefused
from diary.models import Attachment, DiaryEntry, ImportJob, UserTag
from diary.services import USER_TAGS_MAX, text_budget_take, text_bytes
from diary.words import word_count
from diary.writing import user_tags
from journal_site import blobs, outbox
from journal_site.blobs import StoreUnavailable
from portability.readers import (
    ImportInvalid,
    ImportRecord,
    ImportTooLarge,
    PhotoArchive,
    import_expanded_size,
    import_parse,
)
from portability.selectors import import_progress_key
from portability.tasks import import_entries

logger = logging.getLogger(__name__)

IMPORT_BATCH = 1000  # rows per INSERT: memory stays bounded, round trips few (docs/limits.md)
# Files that expand to at most this size are imported during the upload; larger ones by a
# Celery task. A zip is judged by what it holds, not by its own size (docs/import-limits.md).
IMPORT_INLINE_MAX_BYTES = 256 * 1024
# Payloads of jobs no worker finished within this time are dropped by the daily cleanup.
IMPORT_JOB_STALE = timedelta(days=1)
# A job unfinished and unlocked this long after a worker took it up has lost its worker (import_jobs_resume).
IMPORT_STALL = timedelta(minutes=5)
IMPORT_RESUME_BATCH = 100
FAILED_MESSAGE = gettext_lazy("The import failed and nothing was imported. Please try again.")
PROGRESS_TIMEOUT = 24 * 3600
# The uploaded file waits for its job sealed with its owner's key (docs/encryption.md).
PAYLOAD_FIELD = "diary_import_jobs.payload"


class ImportFailed(ImportInvalid):
    """The import broke for a reason that is not the file's; a failed job records it."""


@dataclass(order=True)
class ImportOutcome:
    created: int = 0
    skipped: int = 0
    photos_added: int = 0
    photos_skipped: int = 0  # not in the file, damaged, refused, or past an entry's limit
    photos_over_quota: int = 0  # left out once the photo space was full


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
    rows = mine.filter(created_at__in=moments).values_list("created_at", "title", "content")
    for created_at, title, content in rows:  # sealed: opened here (docs/encryption.md)
        opened = (_open(user_id, "title", title), _open(user_id, "content", content))
        by_moment.setdefault(created_at, set()).add(opened)
    for record in batch:
        if (record.title, record.content) in by_moment.get(record.created_at, ()):
            found.add(record.source_id)
    return found


def _open(user_id: int, column: str, value) -> str:
    return unseal(user_id=user_id, field=DiaryEntry._meta.get_field(column).place, value=value)


def _spelled_within_cap(names: list[str], spelled: dict[str, str]) -> list[str]:
    """An imported entry's own tags as the user's list spells them; a new name joins the list while it has
    room (USER_TAGS_MAX), and is left off the entry once it is full (docs/import-limits.md)."""
    kept = []
    for name in names:
        key = name.casefold()
        if key not in spelled and len(spelled) >= USER_TAGS_MAX:
            continue
        kept.append(spelled.setdefault(key, name))
    return kept


def _references_rewritten(content: str, kept: dict[str, int]) -> str:
    """The entry's text with each reference to a kept photo naming the new photo ("attachment:<id>")."""
    pattern = "|".join(re.escape(reference) for reference in sorted(kept, key=len, reverse=True))
    return re.sub(f"(?:{pattern})(?![\\w-])", lambda found: f"attachment:{kept[found.group(0)]}", content)


def _photos_attach(
    *, entry: DiaryEntry, record: ImportRecord, archive: PhotoArchive | None, outcome: ImportOutcome,
    stored: list[str],
) -> None:
    """Keep the record's photos in its new entry, in the file's order, and point its text at them."""
    kept: dict[str, int] = {}
    for photo in record.photos:
        if outcome.photos_over_quota:
            outcome.photos_over_quota += 1
            continue
        source = archive.open(photo.member, md5=photo.md5) if archive and photo.member else None
        if source is None:
            outcome.photos_skipped += 1
            continue
        try:
            with source:
                attachment = attachment_create(entry=entry, source=source, caption=photo.caption)
        except (PhotoRefused, ValidationError, StoreUnavailable, zipfile.BadZipFile):
            # Not kept, counted: a photo never fails the import (docs/import-limits.md).
            outcome.photos_skipped += 1
            continue
        except QuotaExceeded:
            outcome.photos_over_quota += 1
            continue
        stored.extend(attachment.file_names)
        outcome.photos_added += 1
        if photo.taken_at and attachment.taken_at is None:
            # The kept copy carries no EXIF, so an export's photo says when it was taken in the file alone.
            Attachment.objects.filter(pk=attachment.pk).update(taken_at=photo.taken_at)
        if photo.reference:
            kept[photo.reference] = attachment.pk
    if kept:
        before = text_bytes(entry.title, entry.content)
        entry.content = _references_rewritten(entry.content, kept)
        entry.word_count = word_count(entry.content)
        entry.excerpt = excerpt_from_markdown(entry.content)
        try:
            text_budget_take(user_id=entry.user_id, delta=text_bytes(entry.title, entry.content) - before)
        except ValidationError as error:
            raise ImportInvalid(error.message_dict["content"][0]) from None
        entry.save(update_fields=["content", "word_count", "excerpt", "search_index"])


def import_records(
    *, user_id: int, records: list[ImportRecord], progress: Callable[[int], None] | None = None,
    archive: PhotoArchive | None = None,
) -> ImportOutcome:
    """Insert validated records in batches of 1,000, all or nothing, and the new entries' photos from
    `archive` (the zip's)."""
    outcome = ImportOutcome()
    stored: list[str] = []  # the files of the photos kept, removed again if the import fails
    try:
        _records_insert(user_id=user_id, records=records, progress=progress, archive=archive, outcome=outcome,
                        stored=stored)
    except BaseException:
        blobs.blobs_delete(stored)
        raise
    return outcome


def _records_insert(
    *, user_id: int, records: list[ImportRecord], progress: Callable[[int], None] | None,
    archive: PhotoArchive | None, outcome: ImportOutcome, stored: list[str],
) -> None:
    from accounts.models import User

    with transaction.atomic():
        # One import per user at a time: a second one waits and then finds everything already there.
        list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))
        existing = _Existing.of(user_id)
        # One spelling per tag: a name the user's list has ("Walk") is kept as the list spells it.
        spelled = {name.casefold(): name for name in user_tags(user=user_id).values()}
        owner = None
        for batch in _batches(records, IMPORT_BATCH):
            present = _already_there(user_id=user_id, batch=batch, existing=existing)
            fresh = [r for r in batch if r.source_id not in present]
            new = [
                DiaryEntry(
                    user_id=user_id,
                    title=r.title,
                    content=r.content,
                    mood=r.mood,
                    emotion_tags=r.emotion_tags,
                    tags=_spelled_within_cap(r.tags, spelled),
                    exclude_from_ai=r.exclude_from_ai,
                    word_count=word_count(r.content),
                    excerpt=excerpt_from_markdown(r.content),
                    source_id=r.source_id,
                    created_at=r.created_at,
                )
                for r in fresh
            ]
            try:
                text_budget_take(user_id=user_id, delta=sum(text_bytes(e.title, e.content) for e in new))
            except ValidationError as error:  # the whole import is rolled back: nothing half-imported
                raise ImportInvalid(error.message_dict["content"][0]) from None
            DiaryEntry.objects.bulk_create(new, batch_size=IMPORT_BATCH)
            names = {name.casefold(): name for entry in new for name in entry.tags}
            UserTag.objects.bulk_create(
                [UserTag(user_id=user_id, name=name) for name in names.values()], ignore_conflicts=True
            )
            for entry, record in zip(new, fresh, strict=True):
                if record.photos:
                    if owner is None:
                        owner = User.objects.get(pk=user_id)
                    entry.user = owner  # attachment_create reads the owner's time zone
                    _photos_attach(entry=entry, record=record, archive=archive, outcome=outcome, stored=stored)
            outcome.created += len(new)
            outcome.skipped += len(batch) - len(new)
            if progress:
                progress(outcome.created + outcome.skipped)
        if outcome.created:
            user_stats_invalidate(user_id=user_id)
            # Again after the commit, so statistics computed meanwhile from the old rows are not kept.
            transaction.on_commit(lambda: user_stats_invalidate(user_id=user_id))


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
    """Import an uploaded file: at once when it is small, else through the task "portability.import_entries".

    A small file that is not valid raises ImportInvalid and leaves no trace;
    a large one is validated by the task and its job says what was wrong.
    """
    data = _read_upload(upload)
    if import_expanded_size(data) <= IMPORT_INLINE_MAX_BYTES:
        try:
            parsed = import_parse(data=data, tz=user_zone(user=user), max_bytes=IMPORT_INLINE_MAX_BYTES)
            outcome = import_records(user_id=user.pk, records=parsed.records, archive=parsed.archive)
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
            finished_at=timezone.now(),
            **_counts(outcome, parsed.skipped),
        )
    job = ImportJob.objects.create(user=user, payload=seal_bytes(user_id=user.pk, field=PAYLOAD_FIELD, data=data))
    outbox.enqueue(import_entries, args=(job.pk,))
    return job


def import_job_run(*, job_id: int) -> None:
    """The body of the task: validate, then insert with progress. Safe to run twice."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING]
    ).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return  # finished already (a redelivered message)
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    user = job.user
    key = import_progress_key(job_id)
    with translation.override(user.language):
        try:
            data = unseal_bytes(user_id=user.pk, field=PAYLOAD_FIELD, data=bytes(job.payload or b""))
            parsed = import_parse(data=data, tz=user_zone(user=user))
            del data
            del job  # the payload: the parsed records are all that is needed from here
            ImportJob.objects.filter(pk=job_id).update(total=parsed.total, file_format=parsed.file_format)
            cache.set(key, parsed.skipped, PROGRESS_TIMEOUT)
            with transaction.atomic():
                # A second delivery waits here for the first and then sees it done.
                state = ImportJob.objects.select_for_update().filter(pk=job_id).values_list("status", flat=True)
                if list(state) != [ImportJob.Status.RUNNING]:
                    return
                outcome = import_records(
                    user_id=user.pk,
                    records=parsed.records,
                    progress=lambda done: cache.set(key, parsed.skipped + done, PROGRESS_TIMEOUT),
                    archive=parsed.archive,
                )
                _finish(job_id, status=ImportJob.Status.DONE, processed=parsed.total,
                        **_counts(outcome, parsed.skipped))
        except ImportInvalid as exc:
            _fail(job_id, error=str(exc))
        except Exception as exc:
            # The message of a database error can quote the data: log only its kind.
            logger.error("import job %s failed: %s", job_id, type(exc).__name__)
            _fail(job_id, error=str(FAILED_MESSAGE))
        finally:
            cache.delete(key)


def import_jobs_resume(*, now: datetime | None = None) -> int:
    """Hand again to a worker every job a worker took up and no worker is importing: its worker was killed.

    A worker inserting a job's rows holds the job's row lock for the whole transaction (import_job_run),
    so a running job taken up more than IMPORT_STALL ago whose row is not locked has lost its worker
    (kill -9, systemd's SIGKILL after TimeoutStopSec, a machine gone): its transaction was rolled back,
    nothing of it is saved, and the broker would hand it out again only after CELERY_VISIBILITY_TIMEOUT
    (an hour). A job still waiting in the queue (pending) is the broker's, and left alone. Running a job
    twice imports it once, so a slow worker handed its job twice only does the parsing again; a second
    delivery that gives up never fails a job the first finished.
    """
    now = now or timezone.now()
    cutoff = now - IMPORT_STALL
    with transaction.atomic():
        stalled = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(status=ImportJob.Status.RUNNING, started_at__lt=cutoff)
            .values_list("pk", flat=True)[:IMPORT_RESUME_BATCH]
        )
        if stalled:
            ImportJob.objects.filter(pk__in=stalled).update(started_at=now)
            for job_id in stalled:
                cache.delete(import_progress_key(job_id))  # the dead run's count would read as progress
                outbox.enqueue(import_entries, args=(job_id,))
    if stalled:
        logger.warning("import jobs handed to a worker again: %s", stalled)
    return len(stalled)


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


def _counts(outcome: ImportOutcome, skipped_in_file: int) -> dict[str, int]:
    """What a finished job records of its import."""
    return {
        "created_count": outcome.created,
        "skipped_count": outcome.skipped + skipped_in_file,
        "photos_added": outcome.photos_added,
        "photos_skipped": outcome.photos_skipped,
        "photos_over_quota": outcome.photos_over_quota,
    }


def _finish(job_id: int, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(payload=None, finished_at=timezone.now(), **fields)


def _fail(job_id: int, *, error: str) -> None:
    """Fail a job still unfinished: a second delivery that gave up waiting never undoes one that finished."""
    ImportJob.objects.filter(pk=job_id, status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING]).update(
        status=ImportJob.Status.FAILED, error=error, payload=None, finished_at=timezone.now()
    )
