"""Celery tasks of the diary: daily reminders, sealing old entries. They take ids only."""

from celery import shared_task

from journal_site.blobs import StoreUnavailable


@shared_task(name="diary.send_due_reminders", ignore_result=True)
def send_due_reminders() -> int:
    """Queued by beat every five minutes; each user gets at most one reminder a day."""
    from diary.reminders import reminders_send_due

    return reminders_send_due()


@shared_task(name="diary.entries_seal", ignore_result=True, acks_late=True)
def entries_seal_task() -> dict[str, int]:
    """Seal entries written before sealing began (docs/encryption.md); queues itself again while more wait.

    Queued after `migrate` and hourly by beat; a run that finds another at work returns at once.
    """
    from diary.sealing import entries_seal
    from journal_site import outbox

    result = entries_seal()
    if result["more"] and not result["busy"]:
        outbox.enqueue(entries_seal_task)
    return result


@shared_task(name="diary.photo_thumbnails", ignore_result=True, acks_late=True,
             autoretry_for=(StoreUnavailable,), retry_backoff=30, max_retries=6)
def photo_thumbnails_task(*, attachment_id: int) -> bool:
    """Make a new photo's thumbnails (docs/photos.md); queued through the outbox when the photo is kept.

    A store that does not take the files is tried again, from 30 s apart up to some 30 minutes.
    """
    from diary.attachments import attachment_thumbnails_make

    return attachment_thumbnails_make(attachment_id=attachment_id)


@shared_task(name="diary.photos_orphans_delete", ignore_result=True)
def photos_orphans_delete_task() -> int:
    """Daily: remove stored photo files that no photo names any more (docs/photos.md, Erasure), and queue again
    the thumbnails of photos still without them."""
    from diary.attachments import orphans_delete, thumbnails_requeue

    thumbnails_requeue()
    return orphans_delete()
