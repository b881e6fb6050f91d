"""While the site is in maintenance (journal_site/maintenance.py), a 503 with Retry-After for all but staff."""

from django.utils.translation import gettext as _

from journal_site.maintenance import maintenance_current
from journal_site.views import error_response

# Health probes and the scrape answer as always; staff sign in through the admin.
PASSING = ("/healthz", "/readyz", "/metrics", "/admin/", "/static/")


class MaintenanceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PASSING):
            return self.get_response(request)
        state = maintenance_current()
        if state is None or getattr(request.user, "is_staff", False):
            return self.get_response(request)
        response = error_response(
            request, 503, _("The journal is being upgraded. Please try again in a few minutes."),
            {"maintenance": state},
        )
        response["Retry-After"] = str(state.retry_after)
        response["Cache-Control"] = "no-store"
        return response
