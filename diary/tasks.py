"""Celery tasks of the insights side: background imports and daily reminders. They take ids only."""

from celery import shared_task


@shared_task(name="diary.import_entries", ignore_result=True)
def import_entries(job_id: int) -> None:
    """Import the file stored with an ImportJob. Running it twice imports once."""
    from diary.transfer import import_job_run

    import_job_run(job_id=job_id)


@shared_task(name="diary.send_due_reminders", ignore_result=True)
def send_due_reminders() -> int:
    """Queued by beat every five minutes; each user gets at most one reminder a day."""
    from diary.reminders import reminders_send_due

    return reminders_send_due()


@shared_task(name="diary.cleanup_import_jobs", ignore_result=True)
def cleanup_import_jobs() -> int:
    """Queued by beat hourly: fails jobs stuck past a day and drops payloads no job needs."""
    from diary.transfer import import_jobs_cleanup

    return import_jobs_cleanup()
