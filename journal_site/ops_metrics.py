"""The request histogram by route, the database pool's waits and readiness (docs/metrics.md).

http_request_duration_seconds{method, endpoint} is the name dashboards use;
`endpoint` is the matched URL pattern (`diary/<int:pk>/`), never the raw path,
so ids and query strings cannot multiply the series. One observe per request.

The psycopg pool counts how often a request had to wait for a connection,
how long, and how often it gave up; those counters are moved into Prometheus
every few seconds (and on each scrape) from the process that owns the pool.

Each scrape of /metrics also runs the readiness checks behind /readyz, so
Prometheus sees a database, cache or broker outage without another prober.
"""

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter, Gauge, Histogram

REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "HTTP request duration in seconds, by method and matched URL pattern",
    ["method", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

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


def endpoint_of(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is not None:
        return match.route or match.view_name or "unnamed"
    if request.path.startswith(settings.STATIC_URL):
        return "static"  # answered by WhiteNoise before URL resolution
    return "unmatched"


class RequestDurationMiddleware:
    """Outermost after django-prometheus's: times everything below, early answers (413, 429) included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_DURATION.labels(method=method, endpoint=endpoint_of(request)).observe(time.perf_counter() - started)
        return response


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
