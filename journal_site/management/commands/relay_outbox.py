from django.core.management.base import BaseCommand

from journal_site.outbox import relay, waiting_count


class Command(BaseCommand):
    help = "Hand tasks waiting in the outbox (recorded while the broker was down) to the broker."

    def handle(self, *args, **options):
        sent = relay(limit=10_000)
        self.stdout.write(f"sent {sent}, waiting {waiting_count()}")
