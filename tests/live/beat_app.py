"""The journal's Celery app with the daily cleanups due every second.

`celery -A tests.live.beat_app beat` runs a beat that sends them at once,
so a test can start two beats by mistake and see what the locks make of it.
"""

from journal_site.celery import app

app.conf.beat_schedule = {
    "cleanup-conversations": {"task": "conversations.cleanup_conversations", "schedule": 1.0},
    "accounts-cleanup-stale-tokens": {"task": "accounts.cleanup_stale_tokens", "schedule": 1.0},
}

__all__ = ["app"]
