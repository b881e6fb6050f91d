from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    name = "diary"
    verbose_name = _("Diary")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from diary import signals  # noqa: F401 - registers the statistics cache receivers
        from diary.cache import stats_version_key
        from diary.search import sqlite_register_fold
        from journal_site import prefetch

        prefetch.register_user_key(stats_version_key)
        connection_created.connect(sqlite_register_fold, dispatch_uid="diary.sqlite_fold")
