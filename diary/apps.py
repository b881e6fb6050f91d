from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    name = "diary"
    verbose_name = _("Diary")

    def ready(self) -> None:
        from diary import signals  # noqa: F401 - registers the statistics cache receivers
        from diary.cache import stats_version_key
        from journal_site import prefetch

        prefetch.register_user_key(stats_version_key)
