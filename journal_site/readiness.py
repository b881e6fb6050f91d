"""Checks behind /readyz: does each service this process depends on answer?"""

import logging
import threading
import time
from concurrent import futures

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means not ready
        logger.warning("readiness: database failed", extra={"error": type(exc).__name__})
        return "failed"
    return "ok"


def check_cache() -> str:
    if not settings.REDIS_URL:
        return "ok"
    try:
        from django_redis import get_redis_connection

        get_redis_connection("default").ping()
    except Exception as exc:
        logger.warning("readiness: cache failed", extra={"error": type(exc).__name__})
        return "failed"
    return "ok"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok"
    try:
        from journal_site.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("readiness: broker failed", extra={"error": type(exc).__name__})
        return "failed"
    return "ok"


CHECKS = ("database", "cache", "broker")
# How long a probe waits for the checks: a service that has not answered by then counts as failed. A
# PostgreSQL that is gone makes a pooled connection wait DB_POOL_TIMEOUT, far longer than a probe waits.
CHECK_WAIT_SECONDS = 2.0
_executor = futures.ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readiness")
_pending: dict[str, futures.Future] = {}
_pending_lock = threading.Lock()


def _run(name: str) -> str:
    try:
        return globals()[f"check_{name}"]()
    finally:
        connection.close()  # this thread's connection goes back to the pool


def check_all(*, wait: float | None = None) -> dict[str, str]:
    """Every check, each in its own thread, for at most `wait` seconds (CHECK_WAIT_SECONDS); one that has
    not answered by then reads "failed". A check still running from an earlier call is waited for, never
    started twice, so a slow service never piles up threads."""
    with _pending_lock:
        for name in CHECKS:
            future = _pending.get(name)
            if future is None or future.done():
                _pending[name] = _executor.submit(_run, name)
        pending = dict(_pending)
    futures.wait(pending.values(), timeout=CHECK_WAIT_SECONDS if wait is None else wait)
    return {
        name: future.result() if future.done() and future.exception() is None else "failed"
        for name, future in pending.items()
    }


# Without the database nothing can be served; the site outlives a cache or broker outage.
REQUIRED = frozenset({"database"})
# Probes (one per balancer and orchestrator, often every second) share one
# result per process for this long, so they never hammer PostgreSQL or the broker.
CACHE_SECONDS = 1.5
_cached: tuple[float, dict[str, str]] | None = None
_lock = threading.Lock()


def check_all_cached() -> dict[str, str]:
    """check_all(), at most once per CACHE_SECONDS per process; concurrent probes wait for one run."""
    global _cached
    with _lock:
        now = time.monotonic()
        if _cached is None or now - _cached[0] >= CACHE_SECONDS:
            _cached = (now, check_all())
        return dict(_cached[1])


def forget() -> None:
    """Drop the remembered result (tests, and after a change an operator wants seen at once)."""
    global _cached
    with _lock:
        _cached = None
