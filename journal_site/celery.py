import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")

app = Celery("journal_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect(weak=False)
def _use_the_sites_logging(**kwargs) -> None:
    """Worker and beat log like the web: settings.LOGGING (JSON lines in production).

    A receiver of this signal stops Celery from installing its own text
    handlers on the root logger.
    """
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
