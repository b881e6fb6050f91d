"""Operations views: the Prometheus scrape and the benchmark's bare view."""

import hmac
import os

import prometheus_client
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import multiprocess

from journal_site.metrics import sample_memory
from journal_site.net import address_in, client_ip
from journal_site.ops_metrics import sample_background, sample_pools, sample_readiness


def metrics_allowed(request: HttpRequest) -> bool:
    """Loopback and METRICS_ALLOWED_IPS may scrape; anyone else needs METRICS_TOKEN.

    The address is the client's as client_ip() sees it, so a public request
    relayed by a proxy on loopback is judged by its real address.
    """
    token = settings.METRICS_TOKEN
    if token:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, given = header.partition(" ")
        if scheme == "Bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    return address_in(client_ip(request), settings.METRICS_ALLOWED_IPS)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    sample_memory(force=True)
    sample_pools(force=True)
    sample_readiness()
    sample_background()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every worker writes its own files; add them all up for one answer.
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = prometheus_client.REGISTRY
    return HttpResponse(prometheus_client.generate_latest(registry), content_type=prometheus_client.CONTENT_TYPE_LATEST)


def hello(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: the cheapest answer the middleware stack can give.

    Routed only when the BENCH environment variable is set.
    """
    response = HttpResponse(b"hello", content_type="text/plain")
    # Lets the metrics test see that more than one worker answered.
    response["X-Bench-Worker"] = str(os.getpid())
    return response
