import threading

from celery.signals import worker_process_init
from django.apps import AppConfig


def _warm_up_in_the_background(**kwargs) -> None:
    """Each Celery worker process loads the care reader once, beside its word dictionaries (docs/care.md)."""
    from care.model import warm_up

    threading.Thread(target=warm_up, name="care-warm-up", daemon=True).start()


class CareConfig(AppConfig):
    name = "care"
    verbose_name = "Care"

    def ready(self):
        worker_process_init.connect(_warm_up_in_the_background, weak=False, dispatch_uid="care-warm-up")
