import time

from celery import shared_task
from django.core.cache import cache

HEARTBEAT_KEY = "ops:celery:heartbeat"


@shared_task(name="journal_site.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat queues this every minute; the time it last ran shows the worker and beat are alive."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=3600)
