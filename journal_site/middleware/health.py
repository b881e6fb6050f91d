"""The liveness probe, answered before any other middleware runs."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from journal_site.middleware.common import route_path


class HealthCheckMiddleware:
    """Answer the liveness probe first, before any other middleware runs.

    /healthz says only that this process serves: it touches no service and
    needs no session, language or limit, so it costs what a bare Django view
    costs. It carries the site's security headers, built once, and is not
    counted in the request metrics (probes every few seconds would drown them).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None
        self.headers = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.path is None:
            self.path = route_path("healthz")
        if request.path_info == self.path and request.method in ("GET", "HEAD"):
            return self.healthz()
        return self.get_response(request)

    def healthz(self) -> HttpResponse:
        if self.headers is None:
            from csp.utils import build_policy

            self.headers = {
                "Content-Security-Policy": build_policy(),
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
                "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
                "X-Frame-Options": settings.X_FRAME_OPTIONS,
                "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
            }
        return HttpResponse(b'{"status": "ok"}', content_type="application/json", headers=self.headers)
