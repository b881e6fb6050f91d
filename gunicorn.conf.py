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

Without REDIS_URL (the embedded `make run`) the cache is each process's
memory: user cache, cached sessions, statistics and rate-limit counters.
Two workers would be two sites that disagree (a language change seen by one
worker only, a signed-out session still open in the other, 60 a minute
counted twice), so there the default is ONE worker with MAX_CONNECTIONS
threads; WEB_CONCURRENCY above 1 without Redis gets a warning at start.
docs/operations-consistency.md has the measurements behind this choice.

Database connections
--------------------
Every worker process has its own psycopg pool, opened lazily on the first
query after the fork (preload_app is off, so the master never opens one to
hand down). The pool keeps DB_POOL_MIN (2) connections, grows under load up
to DB_POOL_MAX, and closes what it opened beyond the minimum once idle for
DB_POOL_MAX_IDLE (10 s; psycopg_pool closes one connection per such
period and process). Unless DB_POOL_MAX is given, it is derived here
from the node's budget DB_WEB_CONNECTIONS (32) shared by the workers, and
never more than a worker's threads:

    DB_POOL_MAX = max(2, min(threads, DB_WEB_CONNECTIONS // workers)) = min(50, 32 // 2) = 16

PostgreSQL's max_connections is 100, 3 of them reserved for superusers.
Two web machines with the defaults (2 workers each) and Celery beside them:

    web:     2 machines x 2 workers x 16                 = 64
    celery:  2 machines x 2 worker processes x 4          = 16  (settings' default DB_POOL_MAX)
    beat, migrations, psql, manage.py by an operator      ~  5
                                                  total   = 85 < 97

The 50 threads of a worker share its 16 connections: a request holds one
only while it queries, and a thread that finds none free waits up to
DB_POOL_TIMEOUT rather than failing, so a burst queues instead of opening
connections PostgreSQL refuses. More machines: lower DB_WEB_CONNECTIONS
(machines x DB_WEB_CONNECTIONS + Celery + 5 < 97) or put PgBouncer in
transaction mode in front (DB_PGBOUNCER=1, docs/operations-consistency.md).

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
one); at start the files of processes that are gone are deleted, while those
of live processes (a Celery worker sharing the directory) are kept; a dead
worker's live gauges are dropped, and a directory made here is removed when
gunicorn exits.

Control socket
--------------
gunicorn's control socket defaults to one path per user
($HOME/.gunicorn/gunicorn.ctl), which every gunicorn on the host would
fight over. It is off unless GUNICORN_CONTROL_SOCKET names a path for this
instance alone.
"""

import json
import multiprocessing
import os
import shutil
import sys
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
_shared_cache = bool(os.environ.get("REDIS_URL", "").strip())
workers = _int("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count()) if _shared_cache else 1)
# JSON lines, like the site's own logs (settings.LOG_FORMAT: json in production).
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("json" if os.environ.get("DJANGO_ENV") == "production" else "text")
if workers > 1 and not _shared_cache:
    _warning = (
        f"WEB_CONCURRENCY={workers} without REDIS_URL: each worker keeps its own cache "
        "(sessions, users, statistics, rate limits), so they disagree. Set REDIS_URL, "
        "or leave WEB_CONCURRENCY unset for one worker."
    )
    print(
        json.dumps({"levelname": "WARNING", "name": "gunicorn.conf", "message": _warning})
        if LOG_FORMAT == "json"
        else f"WARNING: {_warning}",
        file=sys.stderr,
    )
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", max(1, -(-max_connections // workers)))

# --- Database pool per worker (see "Database connections" above); settings read these.
if not os.environ.get("DB_POOL_MAX", "").strip():
    os.environ["DB_POOL_MAX"] = str(max(2, min(threads, _int("DB_WEB_CONNECTIONS", 32) // workers)))
if not os.environ.get("DB_POOL_MIN", "").strip():
    os.environ["DB_POOL_MIN"] = str(min(2, _int("DB_POOL_MAX", 2)))

# --- Control socket: one per instance, or none (see above).
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if _control_socket:
    control_socket = _control_socket
else:
    control_socket_disable = True
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
# %(U)s is the path, except for a URL carrying a secret (a password-reset
# link), which is written as its route: journal_site/access_log.py.
logger_class = "journal_site.access_log.RouteAccessLogger"
# With JSON logs, gunicorn's error log is JSON lines too, and its access log one object per request
# whose fields are the request's (journal_site/access_log.py).
if LOG_FORMAT == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        # settings.LOGGING's formatter (journal_site/logfilters.py, JSON_FORMATTER), written out: this file is
        # read before the project can be imported (gunicorn runs from its virtualenv's bin).
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            }
        },
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


def on_starting(server):
    """Drop the files of processes that are gone (they would be added to the new counts); load the words.

    A live process's files stay: a Celery worker sharing the directory keeps writing to them.
    The word dictionaries (about a second) are loaded here, in the master, so every worker forked from
    it has them: loaded in a worker, under load, the first requests to need them waited up to 30 s
    (docs/words.md). So are the care reader's patterns and weights (docs/care.md). journal_site.lemmas
    and care.model import nothing of Django, so the master still opens nothing.
    """
    from care.model import warm_up as care_warm_up
    from journal_site.lemmas import warm_up
    from journal_site.metrics_files import remove_dead_process_files

    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    remove_dead_process_files(METRICS_DIR)
    warm_up()
    care_warm_up()


def child_exit(server, worker):
    """A worker that exits (recycled, crashed, killed) leaves the live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(METRICS_DIR))


def on_exit(server):
    if _owns_metrics_dir:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
