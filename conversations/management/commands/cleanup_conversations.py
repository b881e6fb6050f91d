from django.conf import settings
from django.core.management.base import BaseCommand

from conversations.services import CLEANUP_BATCH_SIZE, conversations_cleanup


class Command(BaseCommand):
    help = "Delete conversation messages older than CONVERSATION_RETENTION_DAYS, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=CLEANUP_BATCH_SIZE)

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1")
            raise SystemExit(2)
        deleted = conversations_cleanup(batch_size=batch_size)
        self.stdout.write(
            f"Deleted {deleted} messages older than {settings.CONVERSATION_RETENTION_DAYS} days."
        )
