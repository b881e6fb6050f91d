import logging

from celery import shared_task

from journal_site.locks import run_once_today
from journal_site.metrics import CELERY_TASKS

logger = logging.getLogger(__name__)


@shared_task(name="conversations.generate_reply", ignore_result=True)
def generate_reply(message_id: int) -> None:
    """Write the reply to one user's message; a second run stores nothing more."""
    from conversations import services

    reply = services.reply_generate(message_id=message_id)
    CELERY_TASKS.labels(task="conversations.generate_reply", outcome="stored" if reply else "none").inc()


@shared_task(name="conversations.cleanup_conversations", ignore_result=True)
def cleanup_conversations() -> int:
    """Daily: delete conversation messages past retention. Runs once a day however many beats queue it."""
    from conversations import services

    ran, deleted = run_once_today("conversations.cleanup_conversations", services.conversations_cleanup)
    if not ran:
        CELERY_TASKS.labels(task="conversations.cleanup_conversations", outcome="skipped").inc()
        return 0
    logger.info("Deleted %d conversation messages past retention", deleted, extra={"deleted": deleted})
    CELERY_TASKS.labels(task="conversations.cleanup_conversations", outcome="done").inc()
    return deleted
