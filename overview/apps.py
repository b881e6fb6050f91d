from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The admin's view across the apps: the user admin with per-user counts and the site statistics.

    It stands above accounts, diary and conversations and imports from them;
    none of them imports from it (docs/architecture.md).
    """

    name = "overview"
    verbose_name = _("Overview")

    def ready(self) -> None:
        from overview import signals  # noqa: F401
