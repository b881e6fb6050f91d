from django.conf import settings
from django.core.management.base import BaseCommand

from journal_site.encryption import kek_new_line


class Command(BaseCommand):
    help = (
        "Print a new key-encryption key line for ENCRYPTION_KEYS, numbered after the configured ones. "
        "Put it first, keep the old ones after it, restart, then run encryption_rewrap."
    )

    def handle(self, *args, **options):
        self.stdout.write(kek_new_line(max(settings.ENCRYPTION_KEYS.keys) + 1))
