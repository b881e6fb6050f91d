"""A URLconf whose probes, scrape and import routes keep their names but not their paths."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def ok(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("probe/live", ok, name="healthz"),
    path("probe/ready", ok, name="readyz"),
    path("ops/metrics", ok, name="metrics"),
    path("api/v2/upload/", ok, name="insights-api-import"),
    path("", include(([path("account/upload/", ok, name="import")], "portability"))),
    path("small/", ok),
]
