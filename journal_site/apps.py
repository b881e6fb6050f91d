from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class JournalSiteConfig(AppConfig):
    name = "journal_site"
    verbose_name = "Journal"

    def ready(self) -> None:
        from journal_site import ops_metrics
        from journal_site.metrics import connect_signals

        connect_signals()
        ops_metrics.connect_signals()
        make_state_folders()


def make_state_folders() -> None:
    """The folders a process of the journal writes to, made when it starts.

    VAR_DIR, the embedded database's folder (`migrate` on a fresh checkout
    creates the file) and STATIC_ROOT, which collectstatic fills and WhiteNoise
    reads (it warns when the folder is missing). Importing the settings
    writes nothing.
    """
    folders = [Path(settings.VAR_DIR), Path(settings.STATIC_ROOT)]
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and database["NAME"] != ":memory:":
        folders.append(Path(database["NAME"]).parent)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
