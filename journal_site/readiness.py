"""Checks behind /readyz: does each service this process depends on answer?"""

import logging
import threading
import time

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


def check_all() -> dict[str, str]:
    return {"database": check_database(), "cache": check_cache(), "broker": check_broker()}


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
