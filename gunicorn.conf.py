"""gunicorn settings for `make run` and production.

Capacity: workers x threads concurrent requests. With the defaults on a
2-core machine that is 2 x 50 = 100 clients, the contract's MAX_CONNECTIONS.

Database connections: every worker process has its own psycopg pool of at most
DB_POOL_MAX (30) connections, opened lazily after the fork. The sum over all
processes must stay under PostgreSQL's max_connections (100):

    web:    machines x WEB_CONCURRENCY x DB_POOL_MAX   = 1 x 2 x 30 = 60
    celery: worker processes x their DB_POOL_MAX        = 2 x 5      = 10
    beat, migrations, psql by hand                       ~             5
                                                          total      = 75 < 100

A second web machine needs DB_POOL_MAX lowered (for example 2 x 2 x 20 = 80
plus Celery) or a PgBouncer in front of PostgreSQL. Threads beyond the pool
size wait up to DB_POOL_TIMEOUT for a connection; most requests hold one for a
few milliseconds.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {value!r}") from None


max_connections = _int("MAX_CONNECTIONS", 100)

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count()))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", max(1, -(-max_connections // workers)))
# The contract's request time limit: a request running longer is ended and
# the worker replaced; statement_timeout and the AI timeout end sooner.
timeout = _int("REQUEST_TIMEOUT_SECONDS", 30)
graceful_timeout = 30
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Load the app in each worker after the fork, so no database pool or Redis
# connection is ever shared between processes.
preload_app = False
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "1") == "1" else None
errorlog = "-"
# Request bodies are never logged; the access log carries method, path and status.
# The path only, without the query string: a search query is private text.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
