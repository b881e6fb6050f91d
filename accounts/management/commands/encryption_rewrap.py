from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.keys import data_keys_rewrap


class Command(BaseCommand):
    help = (
        "Wrap every user's data keys with the current key-encryption key (the first of ENCRYPTION_KEYS). "
        "Run after putting a new key first; then the old keys can be removed. Safe to stop and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        count = data_keys_rewrap(batch_size=batch_size)
        self.stdout.write(f"wrapped {count} data keys with key-encryption key {settings.ENCRYPTION_KEYS.current}")
