from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Statistics and charts of one user's diary: the insights page and GET /api/v1/stats/.

    It stands above the diary and reads it; the diary never imports from it,
    and conversations beside it neither (docs/architecture.md).
    """

    name = "insights"
    verbose_name = _("Insights")
