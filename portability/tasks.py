"""Celery tasks of export and import. They take ids only.

The registered names keep the "diary." prefix they were queued under, so
messages already waiting in a broker and the beat schedule find them
(docs/jobs.md).
"""

from celery import shared_task


@shared_task(name="diary.import_entries", ignore_result=True)
def import_entries(job_id: int) -> None:
    """Import the file stored with an ImportJob. Running it twice imports once."""
    from portability.imports import import_job_run

    import_job_run(job_id=job_id)


@shared_task(name="diary.cleanup_import_jobs", ignore_result=True)
def cleanup_import_jobs() -> int:
    """Queued by beat hourly: fails jobs stuck past a day and drops payloads no job needs."""
    from portability.imports import import_jobs_cleanup

    return import_jobs_cleanup()
