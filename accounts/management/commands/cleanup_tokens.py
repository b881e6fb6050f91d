from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import tokens_cleanup


class Command(BaseCommand):
    help = (
        "Revoke the refresh tokens of users who have not signed in for REFRESH_TOKEN_STALE_DAYS "
        "and delete expired token rows. Never deletes a user; safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=settings.REFRESH_TOKEN_STALE_DAYS, help="days without a sign-in"
        )
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, days: int, batch_size: int, **options):
        if days < 1 or batch_size < 1:
            raise CommandError("--days and --batch-size must be at least 1")
        result = tokens_cleanup(stale_days=days, batch_size=batch_size)
        self.stdout.write(f"revoked {result['revoked']} refresh tokens, deleted {result['deleted']} expired rows")
