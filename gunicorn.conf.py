"""gunicorn settings for `make run`, production and the benchmarks.

Capacity
--------
gthread workers: each process serves `threads` requests at once, so the site
serves workers x threads concurrent clients. Workers follow the CPU count
(one per core, at least 2, so one can be replaced while the other serves);
threads are MAX_CONNECTIONS divided among them. On a 2-core machine:
2 workers x 50 threads = 100 clients, MAX_CONNECTIONS' default (docs/limits.md).
Threads suit this site: a request spends most of its time waiting on
PostgreSQL or Redis, with the GIL released.

Database connections
--------------------
Every worker process has its own psycopg pool of at most DB_POOL_MAX
connections, opened lazily on the first query after the fork (preload_app is
off, so the master never opens one to hand down). The sum over every process
that talks to PostgreSQL must stay under its max_connections (100 by default,
of which 3 are reserved for superusers):

    web:     machines x WEB_CONCURRENCY x DB_POOL_MAX = 1 x 2 x 30 = 60
    celery:  worker processes x their DB_POOL_MAX      = 2 x 5      = 10
    beat, migrations, psql by hand                     ~              5
                                                        total       = 75 < 97

The 50 threads of a worker share its 30 connections: a request holds one only
while it queries, and a thread that finds none free waits up to
DB_POOL_TIMEOUT (30 s) rather than failing. A second web machine needs
DB_POOL_MAX lowered (2 machines x 2 x 20 = 80, plus Celery 10 = 90) or
PgBouncer in front of PostgreSQL.

Time
----
`timeout` is REQUEST_TIMEOUT_SECONDS (docs/limits.md): a worker silent for longer is
replaced. PostgreSQL's statement_timeout (settings) and the AI provider's
timeout end a slow query or reply sooner, so a request fails cleanly and the
worker lives on.

Metrics
-------
Prometheus multiprocess mode: each worker writes its metrics to files in
PROMETHEUS_MULTIPROC_DIR and /metrics adds them up. The directory is set here
before any worker starts (a fresh temporary one unless the environment names
one), emptied at start, a dead worker's live gauges are dropped, and a
directory made here is removed when gunicorn exits.
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {value!r}") from None


# --- Metrics directory: must exist in the environment before a worker imports prometheus_client.
_metrics_dir_env = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
_owns_metrics_dir = not _metrics_dir_env
if _owns_metrics_dir:
    _metrics_dir_env = tempfile.mkdtemp(prefix="journal-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir_env
METRICS_DIR = Path(_metrics_dir_env)

# --- Capacity
max_connections = _int("MAX_CONNECTIONS", 100)

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count()))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", max(1, -(-max_connections // workers)))
# Connections waiting for a free thread; beyond this the kernel refuses them.
backlog = 2048
keepalive = 5
# Heartbeat files on tmpfs: a worker blocked on a slow disk is not mistaken for a hung one.
# gunicorn creates them itself with mkstemp, private to the worker.
_SHM = "/dev/shm"  # noqa: S108
if Path(_SHM).is_dir():
    worker_tmp_dir = _SHM

# --- Time
timeout = _int("REQUEST_TIMEOUT_SECONDS", 30)
graceful_timeout = 30

# --- Recycling: off by default. A recycled worker imports Django and every
# app again after the fork (about a second of CPU) and starts with cold
# connection pools and caches; at 2,000 requests per worker that happened every
# few seconds under load and halved throughput. The trade: a slow memory leak
# would grow until the next deploy, so memory_usage_bytes is exported and
# alerted on (docs/metrics.md). An operator who wants recycling sets
# GUNICORN_MAX_REQUESTS (say 100000); the jitter then spreads the restarts so
# the workers never all restart at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)

# Load the app in each worker after the fork, so no database pool or Redis
# connection is ever shared between processes.
preload_app = False

# --- Logs: request bodies are never logged; the access log carries method,
# path (without the query string: a search query is private text) and status.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "1") == "1" else None
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def on_starting(server):
    """Start from an empty metrics directory: old files would be added to the new counts."""
    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in METRICS_DIR.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server, worker):
    """A worker that exits (recycled, crashed, killed) leaves the live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(METRICS_DIR))


def on_exit(server):
    if _owns_metrics_dir:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
