"""Application metrics beside django-prometheus's own.

Names follow the specification: cache_hits_total / cache_misses_total with a
`cache` label (users, ai, stats), ai_reply_duration_seconds, and
memory_usage_bytes. Every module records through these objects so a metric
has one definition.
"""

from prometheus_client import Counter, Histogram

CACHE_HITS = Counter("cache_hits", "Cache hits of the application's caches", ["cache"])
CACHE_MISSES = Counter("cache_misses", "Cache misses of the application's caches", ["cache"])
AI_REPLY_DURATION = Histogram(
    "ai_reply_duration_seconds",
    "Time to produce a companion reply",
    ["provider", "cached"],
    buckets=(0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60),
)
CELERY_TASKS = Counter("celery_tasks", "Celery task outcomes", ["task", "outcome"])
