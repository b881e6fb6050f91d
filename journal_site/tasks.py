import time

from celery import current_app, shared_task
from django.core.cache import cache

HEARTBEAT_KEY = "ops:celery:heartbeat"
# The time and size of the last backup deploy/journal-backup made (manage.py backup_recorded).
BACKUP_KEY = "ops:backup:last"


def former_name(old: str, *, now: str) -> None:
    """Answer to the name a task had before its code moved to another app, by running the task now named `now`.

    Messages queued under the old name (in a broker, in the outbox, or by a
    beat not yet restarted) still run. Kept for one release (docs/jobs.md).
    """

    @shared_task(name=old, ignore_result=True)
    def forward(*args, **kwargs):
        return current_app.tasks[now](*args, **kwargs)


@shared_task(name="journal_site.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat queues this every minute; the time it last ran shows the worker and beat are alive."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=3600)


@shared_task(name="journal_site.relay_outbox", ignore_result=True, expires=55)
def relay_outbox() -> int:
    """Hand waiting outbox messages to the broker (beat, every minute; each worker as it starts)."""
    from journal_site.outbox import relay

    return relay()
