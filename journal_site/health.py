"""Probes: /healthz says the process serves, /readyz that it can serve (docs/operations-consistency.md)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: touches nothing, so a database outage never gets a worker restarted."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 503 only when the database is down; a cache or broker outage is "degraded".

    Which checks failed is told only to a caller that may scrape /metrics (loopback, METRICS_ALLOWED_IPS
    or METRICS_TOKEN); anyone else learns the status alone.

    The site serves without Redis or the broker (work after a commit waits in
    the outbox), so a balancer must keep sending it traffic then.
    """
    from journal_site.readiness import REQUIRED, check_all_cached

    results = check_all_cached()
    failed = [name for name, result in results.items() if result != "ok"]
    unavailable = any(name in REQUIRED for name in failed)
    status = "unavailable" if unavailable else ("degraded" if failed else "ok")
    body = {"status": status}
    # Which backend failed is for the operator (who may scrape /metrics), not for the whole internet.
    from journal_site.ops_views import metrics_allowed

    if metrics_allowed(request):
        body["checks"] = results
        if failed:
            body["failed"] = failed
            body["detail"] = ("Not ready: " if unavailable else "Degraded: ") + ", ".join(failed)
    return JsonResponse(body, status=503 if unavailable else 200)
