"""Celery tasks of the diary: daily reminders. They take ids only."""

from celery import shared_task


@shared_task(name="diary.send_due_reminders", ignore_result=True)
def send_due_reminders() -> int:
    """Queued by beat every five minutes; each user gets at most one reminder a day."""
    from diary.reminders import reminders_send_due

    return reminders_send_due()
