import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")

app = Celery("journal_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _relay_outbox_on_start(**kwargs) -> None:
    """A worker that starts (after an outage, say) has the outbox relayed through the broker it just reached."""
    app.send_task("journal_site.relay_outbox")
