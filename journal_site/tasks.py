import time

from celery import shared_task
from django.core.cache import cache

HEARTBEAT_KEY = "ops:celery:heartbeat"


@shared_task(name="journal_site.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat queues this every minute; the time it last ran shows the worker and beat are alive."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=3600)


@shared_task(name="journal_site.relay_outbox", ignore_result=True, expires=55)
def relay_outbox() -> int:
    """Hand waiting outbox messages to the broker (beat, every minute; each worker as it starts)."""
    from journal_site.outbox import relay

    return relay()
