"""Background work of the admin overview: keeping the site statistics warm (docs/jobs.md)."""

from celery import shared_task
from django.core.cache import cache

from journal_site.tasks import former_name
from overview.selectors import STATS_OVERVIEW_KEY, STATS_OVERVIEW_TIMEOUT, stats_overview_compute

STATS_LOCK_KEY = "lock:overview.refresh_stats_overview"


@shared_task(name="overview.refresh_stats_overview", ignore_result=True)
def refresh_stats_overview() -> None:
    """Recompute `stats:overview`; a refresh already running makes this one unnecessary."""
    if not cache.add(STATS_LOCK_KEY, True, 60):
        return
    try:
        cache.set(STATS_OVERVIEW_KEY, stats_overview_compute(), STATS_OVERVIEW_TIMEOUT)
    finally:
        cache.delete(STATS_LOCK_KEY)


# Its name while the code lived in accounts; kept for one release (docs/jobs.md).
former_name("accounts.refresh_stats_overview", now="overview.refresh_stats_overview")
