import os
import tempfile

from celery import Celery
from celery.signals import setup_logging, worker_init, worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")

# Worker metrics served on CELERY_METRICS_PORT (docs/operations-consistency.md):
# the pool's processes write their counts to files in PROMETHEUS_MULTIPROC_DIR,
# which must be set before prometheus_client is first imported, so here.
_METRICS_PORT = os.environ.get("CELERY_METRICS_PORT", "").strip()
if _METRICS_PORT and not os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip():
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="journal-celery-metrics-")

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


@worker_init.connect
def _serve_worker_metrics(**kwargs) -> None:
    """Serve this worker's metrics over HTTP, for a Prometheus that cannot read the web's /metrics."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if directory:
        from journal_site.metrics_files import remove_dead_process_files

        os.makedirs(directory, exist_ok=True)
        remove_dead_process_files(directory)  # a gunicorn sharing the directory keeps its files
    if not _METRICS_PORT:
        return
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server

    registry = REGISTRY
    if directory:
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    address = os.environ.get("CELERY_METRICS_ADDR", "").strip() or "127.0.0.1"
    start_http_server(int(_METRICS_PORT), addr=address, registry=registry)


@worker_process_init.connect
def _load_word_dictionaries(**kwargs) -> None:
    """Each worker process loads the word dictionaries once, in the background (docs/words.md)."""
    import threading

    from journal_site.lemmas import warm_up

    threading.Thread(target=warm_up, name="lemmas-warm-up", daemon=True).start()


@worker_ready.connect
def _relay_outbox_on_start(**kwargs) -> None:
    """A worker that starts (after an outage, say) has the outbox relayed through the broker it just reached."""
    app.send_task("journal_site.relay_outbox")
