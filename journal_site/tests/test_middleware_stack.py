"""The project's middleware: their order, and the routes they single out found by name, once."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse, set_script_prefix
from django.utils.module_loading import import_string

from journal_site.middleware import body_size, health, ratelimit
from journal_site.middleware.body_size import BodySizeLimitMiddleware
from journal_site.middleware.health import HealthCheckMiddleware
from journal_site.middleware.ratelimit import RateLimitMiddleware
from journal_site.middleware.text_encoding import RequireUtf8TextMiddleware

MB = 1024 * 1024


def ok(request):
    return HttpResponse(b"ok")


def test_the_text_check_is_its_own_middleware_right_after_the_size_limit():
    names = settings.MIDDLEWARE
    size = names.index("journal_site.middleware.body_size.BodySizeLimitMiddleware")
    assert names[size + 1] == "journal_site.middleware.text_encoding.RequireUtf8TextMiddleware"
    assert import_string(names[size + 1]) is RequireUtf8TextMiddleware
    assert not issubclass(RequireUtf8TextMiddleware, BodySizeLimitMiddleware)
    assert not hasattr(BodySizeLimitMiddleware, "is_text")


@pytest.mark.urls("journal_site.tests.urls_echo")
def test_an_oversized_body_is_refused_for_its_size_before_its_text_is_looked_at(client):
    response = client.post(
        "/echo/form/?q=%00",
        data=b"text=%ff",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(MB + 1),
    )
    assert response.status_code == 413
    assert client.post("/echo/form/?q=%00", {"text": "fits"}).status_code == 400


def test_the_singled_out_paths_are_the_site_routes_of_those_names(rf):
    sizes = BodySizeLimitMiddleware(ok)
    sizes(rf.get("/"))
    assert sizes.import_paths == {reverse("insights-api-import"), reverse("portability:import")}
    assert sizes.import_paths == {"/api/v1/import/", "/settings/import/"}
    limiter = RateLimitMiddleware(ok)
    limiter.is_exempt("/")
    assert limiter.exempt_paths == {reverse(name) for name in ("healthz", "readyz", "metrics")}
    assert limiter.exempt_paths == {"/healthz", "/readyz", "/metrics"}


def test_the_paths_are_resolved_on_the_first_request_only(rf, monkeypatch):
    calls = []

    def counting(name, args=None):
        calls.append(name)
        return reverse(name, args=args)

    for module in (body_size, health, ratelimit):
        monkeypatch.setattr(module, "route_path", counting)
    chain = [BodySizeLimitMiddleware(ok), HealthCheckMiddleware(ok), RateLimitMiddleware(ok)]
    for _ in range(3):
        chain[0](rf.get("/"))
        chain[1](rf.get("/"))
        chain[2].is_exempt("/")
    chain[0](rf.post("/"))  # the photo routes take POST only: their pattern is made on the first POST
    chain[0](rf.post("/"))
    once_each = [*body_size.IMPORT_ROUTES, *body_size.PHOTO_ROUTES, "healthz", *ratelimit.EXEMPT_ROUTES]
    assert sorted(calls) == sorted(once_each)


def test_the_paths_are_request_paths_under_a_script_prefix(rf):
    """Behind a prefix (SCRIPT_NAME) reverse() includes it, path_info does not."""
    set_script_prefix("/journal/")
    try:
        limiter = RateLimitMiddleware(ok)
        assert limiter.is_exempt("/metrics")
        sizes = BodySizeLimitMiddleware(ok)
        assert sizes.limit_for(rf.post("/api/v1/import/")) == settings.IMPORT_MAX_BYTES
    finally:
        set_script_prefix("/")


@pytest.mark.urls("journal_site.tests.urls_moved")
@pytest.mark.django_db
class TestMovedRoutes:
    """The exemptions and the import limit follow the routes' names wherever the URLconf puts them."""

    def test_probes_and_scrapes_stay_exempt_at_their_new_paths(self, settings, monkeypatch):
        monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_030.0)  # mid-minute: one window
        settings.RATE_LIMIT_PER_MINUTE = 3
        client = Client()
        assert [client.get("/small/").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert client.get("/probe/live").json() == {"status": "ok"}
        assert client.get("/probe/ready").status_code == 200
        assert client.get("/ops/metrics").status_code == 200
        # The old path is just a path now, and counted.
        assert client.get("/metrics").status_code == 429

    @pytest.mark.parametrize("path", ["/api/v2/upload/", "/account/upload/"])
    def test_the_import_limit_follows_the_import_routes(self, client, settings, path):
        settings.IMPORT_MAX_BYTES = 3 * MB
        two_mb = {"content_type": "application/octet-stream", "CONTENT_LENGTH": str(2 * MB)}
        assert client.post(path, data=b"", **two_mb).status_code == 200
        assert client.post("/api/v1/import/", data=b"", **two_mb).status_code == 413
        assert client.post("/small/", data=b"", **two_mb).status_code == 413
