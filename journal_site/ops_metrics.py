"""The database pool's waits and readiness, beside journal_site/metrics.py (docs/metrics.md).

The psycopg pool counts how often a request had to wait for a connection,
how long, and how often it gave up; those counters are moved into Prometheus
every few seconds (and on each scrape) from the process that owns the pool.

Each scrape of /metrics also runs the readiness checks behind /readyz, so
Prometheus sees a database, cache or broker outage without another prober.
"""

import threading
import time
from concurrent import futures

from prometheus_client import Counter, Gauge

POOL_REQUESTS_QUEUED = Counter(
    "db_pool_requests_queued", "Requests for a database connection that had to wait for one", ["alias"]
)
POOL_WAIT_SECONDS = Counter("db_pool_wait_seconds", "Time spent waiting for a database connection", ["alias"])
POOL_TIMEOUTS = Counter(
    "db_pool_timeouts", "Requests for a database connection that gave up after DB_POOL_TIMEOUT", ["alias"]
)
POOL_CONNECTIONS = Gauge(
    "db_pool_connections", "Open connections in the pools of the live processes", ["alias"], multiprocess_mode="livesum"
)
POOL_WAITING = Gauge(
    "db_pool_requests_waiting",
    "Requests waiting for a database connection right now",
    ["alias"],
    multiprocess_mode="livesum",
)
READINESS = Gauge(
    "readiness_check_ok",
    "1 when the service answered the last readiness check, 0 when it did not",
    ["check"],
    multiprocess_mode="livemostrecent",
)
# What runs in the background, read on each scrape (docs/metrics.md): a worker ran beat's heartbeat
# (so beat queues, the queue drains and a worker runs), the last backup, and the outbox's backlog.
HEARTBEAT = Gauge(
    "celery_heartbeat_timestamp_seconds",
    "When a worker last ran the heartbeat beat queues every minute (Unix time)",
    multiprocess_mode="max",
)
BACKUP = Gauge(
    "backup_last_success_timestamp_seconds",
    "When deploy/journal-backup last made a backup that lists (Unix time)",
    multiprocess_mode="max",
)
OUTBOX = Gauge(
    "outbox_messages_waiting",
    "Tasks recorded in the outbox and not yet handed to the broker (counted up to 100,000)",
    multiprocess_mode="livemostrecent",
)
OUTBOX_COUNT_MAX = 100_000
_background_pending: futures.Future | None = None

READINESS_WAIT_SECONDS = 2.0
_background_executor = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ops-background")
_background_lock = threading.Lock()
POOL_SAMPLE_SECONDS = 5.0
_last_pool_sample = 0.0


def sample_pools(*, force: bool = False) -> None:
    """Move the pools' wait counters into Prometheus, at most every few seconds per process.

    Reads only pools this process already opened; never opens one.
    """
    global _last_pool_sample
    now = time.monotonic()
    if not force and now - _last_pool_sample < POOL_SAMPLE_SECONDS:
        return
    _last_pool_sample = now
    from django.db import connections

    for alias in connections:
        pools = getattr(type(connections[alias]), "_connection_pools", None)
        pool = pools.get(alias) if pools else None
        if pool is None:
            continue
        stats = pool.pop_stats()  # the counters restart from zero, so each value is added once
        if stats.get("requests_queued"):
            POOL_REQUESTS_QUEUED.labels(alias=alias).inc(stats["requests_queued"])
        if stats.get("requests_wait_ms"):
            POOL_WAIT_SECONDS.labels(alias=alias).inc(stats["requests_wait_ms"] / 1000)
        if stats.get("requests_errors"):
            POOL_TIMEOUTS.labels(alias=alias).inc(stats["requests_errors"])
        POOL_CONNECTIONS.labels(alias=alias).set(stats.get("pool_size", 0))
        POOL_WAITING.labels(alias=alias).set(stats.get("requests_waiting", 0))


def sample_readiness(*, wait: float | None = None) -> None:
    """Run the readiness checks for a scrape (journal_site/readiness.py), for at most `wait` seconds.

    A service that has not answered by then (READINESS_WAIT_SECONDS) reads 0:
    a scrape must come back well within Prometheus's timeout, even while an
    unreachable PostgreSQL makes a pooled connection wait DB_POOL_TIMEOUT.
    """
    from journal_site import readiness

    results = readiness.check_all(wait=READINESS_WAIT_SECONDS if wait is None else wait)
    for name, result in results.items():
        READINESS.labels(check=name).set(1 if result == "ok" else 0)


def _read_background() -> None:
    from django.core.cache import cache
    from django.db import connection

    from journal_site.models import OutboxMessage
    from journal_site.tasks import BACKUP_KEY, HEARTBEAT_KEY

    try:
        values = cache.get_many([HEARTBEAT_KEY, BACKUP_KEY])
        if isinstance(values.get(HEARTBEAT_KEY), int | float):
            HEARTBEAT.set(values[HEARTBEAT_KEY])
        if isinstance(values.get(BACKUP_KEY), dict):
            BACKUP.set(float(values[BACKUP_KEY].get("at", 0)))
        OUTBOX.set(OutboxMessage.objects.values("pk")[:OUTBOX_COUNT_MAX].count())
    finally:
        connection.close()


def sample_background(*, wait: float | None = None) -> None:
    """Read the heartbeat, the last backup and the outbox's backlog for a scrape, for at most `wait` seconds
    (a cache or database that does not answer leaves the gauges as they were; readiness says why)."""
    global _background_pending
    with _background_lock:
        if _background_pending is None or _background_pending.done():
            _background_pending = _background_executor.submit(_read_background)
        pending = _background_pending
    futures.wait([pending], timeout=READINESS_WAIT_SECONDS if wait is None else wait)


def _on_request_finished(**kwargs) -> None:
    sample_pools()


def connect_signals() -> None:
    from django.core.signals import request_finished

    request_finished.connect(_on_request_finished, dispatch_uid="ops_metrics.pools")
