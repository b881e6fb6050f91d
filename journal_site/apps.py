from django.apps import AppConfig


class JournalSiteConfig(AppConfig):
    name = "journal_site"
    verbose_name = "Journal"
