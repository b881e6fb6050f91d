"""Probes: /healthz says the process serves, /readyz that its services answer."""

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
    """Readiness: 200 when the database, cache and broker answer; 503 naming those that do not."""
    from journal_site.readiness import check_all

    results = check_all()
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "unavailable" if failed else "ok", "checks": results}
    if failed:
        body["failed"] = failed
        body["detail"] = "Not ready: " + ", ".join(failed)
    return JsonResponse(body, status=503 if failed else 200)
