from django.apps import AppConfig


class JournalSiteConfig(AppConfig):
    name = "journal_site"
    verbose_name = "Journal"

    def ready(self) -> None:
        from journal_site import ops_metrics
        from journal_site.metrics import connect_signals

        connect_signals()
        ops_metrics.connect_signals()
