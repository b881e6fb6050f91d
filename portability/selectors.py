"""Import jobs as their owner sees them: one job (404 for anyone else's), the latest few, progress."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.shortcuts import get_object_or_404

from diary.models import ImportJob


def import_progress_key(job_id: int) -> str:
    """Where a running job's count of processed records lives (docs/caching.md)."""
    return f"import:progress:{job_id}"


def import_job_get_for_user(*, user, job_id: int) -> ImportJob:
    """The user's import job, or 404 (also for anyone else's). The stored file is never loaded."""
    return get_object_or_404(ImportJob.objects.defer("payload"), pk=job_id, user=user)


def import_job_list(*, user, limit: int = 5) -> list[ImportJob]:
    return list(ImportJob.objects.filter(user=user).defer("payload").order_by("-created_at", "-id")[:limit])


def import_job_progress(*, job: ImportJob) -> dict[str, Any]:
    """What the progress page and the status endpoint show."""
    finished = job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
    processed = job.processed if finished else int(cache.get(import_progress_key(job.pk)) or 0)
    total = job.total
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "format": job.file_format,
        "total": total,
        "processed": min(processed, total) if total else processed,
        "percent": int(min(processed, total) * 100 / total) if total else (100 if finished else 0),
        "created": job.created_count,
        "skipped": job.skipped_count,
        "photos_added": job.photos_added,
        "photos_skipped": job.photos_skipped,
        "photos_over_quota": job.photos_over_quota,
        "error": job.error,
        "finished": finished,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }
