from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    """Export, import and the import jobs: the work that spans the diary and the conversations.

    It stands above accounts, diary and conversations and imports from them;
    none of them imports from it (docs/architecture.md).
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "portability"
    verbose_name = "Export and import"

    def ready(self) -> None:
        from accounts.sections import settings_section_add

        settings_section_add("portability/_settings_section.html")
