"""Celery tasks of export and import. They take ids only (docs/jobs.md)."""

from celery import shared_task

from journal_site.tasks import former_name


@shared_task(name="portability.import_entries", ignore_result=True)
def import_entries(job_id: int) -> None:
    """Import the file stored with an ImportJob. Running it twice imports once."""
    from portability.imports import import_job_run

    import_job_run(job_id=job_id)


@shared_task(name="portability.cleanup_import_jobs", ignore_result=True)
def cleanup_import_jobs() -> int:
    """Queued by beat hourly: fails jobs stuck past a day and drops payloads no job needs."""
    from portability.imports import import_jobs_cleanup

    return import_jobs_cleanup()


@shared_task(name="portability.resume_stalled_imports", ignore_result=True)
def resume_stalled_imports() -> int:
    """Queued by beat every minute: hands again to a worker every import whose worker was killed."""
    from portability.imports import import_jobs_resume

    return import_jobs_resume()


# Their names while the code lived in the diary; kept for one release (docs/jobs.md).
former_name("diary.import_entries", now="portability.import_entries")
former_name("diary.cleanup_import_jobs", now="portability.cleanup_import_jobs")
