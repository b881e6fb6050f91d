import logging

from celery import shared_task

from journal_site.locks import run_once_today
from journal_site.metrics import task_skipped

logger = logging.getLogger(__name__)


@shared_task(name="conversations.generate_reply", ignore_result=True, bind=True)
def generate_reply(self, message_id: int) -> None:
    """Write the reply to one user's message; a second run stores nothing more."""
    from conversations import services

    if not services.reply_generate(message_id=message_id):
        task_skipped(self)


@shared_task(name="conversations.cleanup_conversations", ignore_result=True, bind=True)
def cleanup_conversations(self) -> int:
    """Daily: delete conversation messages past retention. Runs once a day however many beats queue it."""
    from conversations import services

    ran, deleted = run_once_today("conversations.cleanup_conversations", services.conversations_cleanup)
    if not ran:
        task_skipped(self)
        return 0
    logger.info("Deleted %d conversation messages past retention", deleted, extra={"deleted": deleted})
    return deleted
