"""Turn maintenance mode on or off, or show it (docs/operations.md, Upgrades)."""

from django.core.management.base import BaseCommand, CommandError

from journal_site.maintenance import RETRY_AFTER_DEFAULT, maintenance_off, maintenance_on, maintenance_read


class Command(BaseCommand):
    help = "Maintenance mode: everyone but staff gets a 503 page with Retry-After; health probes pass."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("on", "off", "status"))
        parser.add_argument(
            "--retry-after", type=int, default=RETRY_AFTER_DEFAULT,
            help=f"seconds browsers and scripts are told to wait (default {RETRY_AFTER_DEFAULT})",
        )

    def handle(self, *args, action: str, retry_after: int, **options):
        if action == "on":
            if retry_after < 1:
                raise CommandError("--retry-after must be at least 1 second.")
            state = maintenance_on(retry_after=retry_after)
            self.stdout.write(f"Maintenance is on since {state.since}; Retry-After {state.retry_after} s.")
        elif action == "off":
            maintenance_off()
            self.stdout.write("Maintenance is off.")
        else:
            state = maintenance_read()
            self.stdout.write(f"Maintenance is on since {state.since}." if state else "Maintenance is off.")
