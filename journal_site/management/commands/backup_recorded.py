"""Record that a backup was made, for /metrics and its alert (deploy/journal-backup calls it; docs/metrics.md)."""

import time
from pathlib import Path

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from journal_site.tasks import BACKUP_KEY


class Command(BaseCommand):
    help = "Record the time and size of a backup just made (called by deploy/journal-backup)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive's path")

    def handle(self, *args, archive: str, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{archive}: no such file.")
        cache.set(BACKUP_KEY, {"at": time.time(), "bytes": path.stat().st_size}, timeout=None)
        self.stdout.write("Backup recorded.")
