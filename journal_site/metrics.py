"""The site's metrics (docs/metrics.md lists each one).

Requests: http_request_duration_seconds{method, endpoint} and
http_requests_total{method, endpoint, status}, two writes a request. Caches:
cache_hits_total / cache_misses_total by `cache` (users, ai, stats). The
companion: ai_reply_duration_seconds. Processes: memory_usage_bytes. Every
module records through these objects so a metric has one definition.
django-prometheus's database wrapper adds django_db_* (queries, errors,
durations); its request middleware is not used: it made some ten metric
writes a request.

Under gunicorn, PROMETHEUS_MULTIPROC_DIR (set by gunicorn.conf.py) makes
prometheus_client keep every value in a per-process file; /metrics adds the
files of all workers up, so the counters are the site's, not one worker's.
"""

import logging
import os
import resource
import time

from prometheus_client import Counter, Gauge, Histogram

logger = logging.getLogger(__name__)

# Every request but the liveness probe, by route name (journal_site.middleware.metrics.RequestMetricsMiddleware).
REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from the first middleware to the response, by method and endpoint (route name)",
    ["method", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
REQUESTS = Counter(
    "http_requests", "Responses by method, endpoint (route name) and status", ["method", "endpoint", "status"]
)
CACHE_HITS = Counter("cache_hits", "Cache hits of the application's caches", ["cache"])
CACHE_MISSES = Counter("cache_misses", "Cache misses of the application's caches", ["cache"])
AI_REPLY_DURATION = Histogram(
    "ai_reply_duration_seconds",
    "Time to produce a companion reply",
    ["provider", "cached"],
    buckets=(0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60),
)
# One sample per task run (or per task that never ran), so summing over
# `outcome` counts each exactly once: success, skipped (ran, found nothing to do,
# e.g. a daily cleanup another run already did), failure, retry (this run
# failed and queued another), revoked and rejected (never ran).
TASK_OUTCOMES = ("success", "skipped", "failure", "retry", "revoked", "rejected")
CELERY_TASKS = Counter("celery_tasks", "Celery task runs by outcome", ["task", "outcome"])
CELERY_TASK_DURATION = Histogram(
    "celery_task_duration_seconds",
    "Run time of Celery tasks that finished (succeeded or failed)",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
# The resident memory of the serving processes, summed over the live ones
# (a gauge per process in multiprocess mode; dead workers drop out).
MEMORY_USAGE = Gauge(
    "memory_usage_bytes", "Resident memory of the serving processes in bytes", multiprocess_mode="livesum"
)
RATE_LIMITED = Counter("rate_limited_requests", "Requests refused with 429", ["scope"])
RATE_LIMIT_BACKEND_ERRORS = Counter(
    "rate_limit_backend_errors", "Requests let through because the rate limiter could not reach Redis"
)
REQUEST_BODY_TOO_LARGE = Counter("request_body_too_large", "Requests refused with 413")
# Photos (docs/photos.md): uploads by outcome (kept, or why refused), the bytes kept, and thumbnail time.
PHOTO_UPLOADS = Counter("photo_uploads", "Photo uploads by outcome (kept, or the reason for refusing)", ["outcome"])
PHOTO_UPLOAD_BYTES = Counter("photo_upload_bytes", "Bytes of the photos kept (the clean copy, before sealing)")
PHOTO_THUMBNAIL_DURATION = Histogram(
    "photo_thumbnail_duration_seconds",
    "Time to make a photo's thumbnails in the background",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MEMORY_SAMPLE_SECONDS = 5.0
_last_memory_sample = 0.0


def resident_memory_bytes() -> int:
    """This process's resident set size; the peak size where /proc is missing."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def sample_memory(*, force: bool = False) -> None:
    """Refresh memory_usage_bytes, at most every few seconds per process."""
    global _last_memory_sample
    now = time.monotonic()
    if force or now - _last_memory_sample >= MEMORY_SAMPLE_SECONDS:
        _last_memory_sample = now
        MEMORY_USAGE.set(resident_memory_bytes())


def _on_request_finished(**kwargs) -> None:
    sample_memory()


def _task_name(sender=None, task=None) -> str:
    task = task or sender
    return getattr(task, "name", None) or str(task)


_task_started: dict[str, float] = {}


def _on_task_prerun(task_id=None, task=None, **kwargs) -> None:
    if task_id:
        _task_started[task_id] = time.monotonic()


def _on_task_postrun(task_id=None, task=None, state=None, **kwargs) -> None:
    started = _task_started.pop(task_id, None) if task_id else None
    if started is not None:
        CELERY_TASK_DURATION.labels(task=_task_name(task=task)).observe(time.monotonic() - started)


def task_skipped(task) -> None:
    """Count the running task's run as `skipped` rather than `success`."""
    task.request.journal_outcome = "skipped"


def _on_task_success(sender=None, **kwargs) -> None:
    outcome = getattr(getattr(sender, "request", None), "journal_outcome", None) or "success"
    CELERY_TASKS.labels(task=_task_name(sender), outcome=outcome).inc()


def _on_task_failure(sender=None, **kwargs) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), outcome="failure").inc()


def _on_task_retry(sender=None, **kwargs) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), outcome="retry").inc()


def _on_task_revoked(sender=None, request=None, **kwargs) -> None:
    name = getattr(request, "task", None) or _task_name(sender)
    CELERY_TASKS.labels(task=name, outcome="revoked").inc()


def _on_task_rejected(message=None, **kwargs) -> None:
    CELERY_TASKS.labels(task="unknown", outcome="rejected").inc()


def _on_worker_process_shutdown(pid=None, **kwargs) -> None:
    """A Celery child that exits drops its live gauges from the shared directory."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())


def connect_signals() -> None:
    """Hook request and task signals to the metrics; called once from AppConfig.ready()."""
    from celery import signals as celery_signals
    from django.core.signals import request_finished

    request_finished.connect(_on_request_finished, dispatch_uid="metrics.memory")
    celery_signals.task_prerun.connect(_on_task_prerun, dispatch_uid="metrics.task_prerun", weak=False)
    celery_signals.task_postrun.connect(_on_task_postrun, dispatch_uid="metrics.task_postrun", weak=False)
    celery_signals.task_success.connect(_on_task_success, dispatch_uid="metrics.task_success", weak=False)
    celery_signals.task_failure.connect(_on_task_failure, dispatch_uid="metrics.task_failure", weak=False)
    celery_signals.task_retry.connect(_on_task_retry, dispatch_uid="metrics.task_retry", weak=False)
    celery_signals.task_revoked.connect(_on_task_revoked, dispatch_uid="metrics.task_revoked", weak=False)
    celery_signals.task_rejected.connect(_on_task_rejected, dispatch_uid="metrics.task_rejected", weak=False)
    celery_signals.worker_process_shutdown.connect(
        _on_worker_process_shutdown, dispatch_uid="metrics.worker_shutdown", weak=False
    )
