"""Request duration and count, by route name (docs/metrics.md)."""

import time

from django.http import HttpRequest, HttpResponse

from journal_site.metrics import REQUEST_DURATION, REQUESTS


class RequestMetricsMiddleware:
    """http_request_duration_seconds{method, endpoint} and http_requests_total{method, endpoint, status}.

    Two metric writes a request (docs/metrics.md). `endpoint` is the route's
    name, never the path, so ids and secrets in URLs never become labels, and
    unknown methods share one label so a client cannot mint new series.
    """

    METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        endpoint = (match.view_name or "unnamed") if match is not None else "unmatched"
        method = request.method if request.method in self.METHODS else "other"
        REQUEST_DURATION.labels(method, endpoint).observe(time.perf_counter() - started)
        REQUESTS.labels(method, endpoint, str(response.status_code)).inc()
        return response
