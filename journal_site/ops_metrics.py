"""The database pool's waits and readiness, beside journal_site/metrics.py (docs/metrics.md).

The psycopg pool counts how often a request had to wait for a connection,
how long, and how often it gave up; those counters are moved into Prometheus
every few seconds (and on each scrape) from the process that owns the pool.

Each scrape of /metrics also runs the readiness checks behind /readyz, so
Prometheus sees a database, cache or broker outage without another prober.
"""

import time

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


def sample_readiness() -> None:
    from journal_site.readiness import check_all

    for check, result in check_all().items():
        READINESS.labels(check=check).set(1 if result == "ok" else 0)


def _on_request_finished(**kwargs) -> None:
    sample_pools()


def connect_signals() -> None:
    from django.core.signals import request_finished

    request_finished.connect(_on_request_finished, dispatch_uid="ops_metrics.pools")
