from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    name = "diary"
    verbose_name = _("Diary")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.sections import settings_section_add
        from diary import signals  # noqa: F401 - registers the statistics cache receivers
        from diary.cache import stats_version_key
        from diary.sealing import entries_seal_queue
        from journal_site import prefetch

        settings_section_add("diary/_settings_photos.html")
        prefetch.register_user_key(stats_version_key)
        post_migrate.connect(entries_seal_queue, sender=self, dispatch_uid="diary.entries_seal_queue")
