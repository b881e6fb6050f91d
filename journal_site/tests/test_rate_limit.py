"""RateLimitMiddleware: 60 a minute per user or address, atomic, exempt probes, fail open."""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client
from prometheus_client import REGISTRY
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from journal_site.middleware import ratelimit
from journal_site.net import client_ip

pytestmark = [pytest.mark.urls("journal_site.tests.urls_echo"), pytest.mark.django_db]

# Mid-minute, so no test straddles a window boundary.
NOW = 1_800_000_030.0


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch):
    monkeypatch.setattr(ratelimit, "_now", lambda: NOW)


def spend(client, count, path="/small/", **extra):
    return [client.get(path, **extra).status_code for _ in range(count)]


def bearer(user) -> str:
    return f"Bearer {RefreshToken.for_user(user).access_token}"


def test_the_61st_request_of_a_minute_gets_429_with_retry_after(client):
    assert spend(client, 60) == [200] * 60
    response = client.get("/small/")
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert b"Too many requests" in response.content


def test_api_429_is_json(client):
    spend(client, 60, "/api/v1/small/")
    response = client.get("/api/v1/small/")
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests. Please wait a minute and try again."}
    assert int(response["Retry-After"]) == 30


def test_the_next_minute_brings_a_fresh_allowance(client, monkeypatch):
    spend(client, 61)
    assert client.get("/small/").status_code == 429
    monkeypatch.setattr(ratelimit, "_now", lambda: NOW + 60)
    assert client.get("/small/").status_code == 200


def test_limit_follows_settings(client, settings):
    settings.RATE_LIMIT_PER_MINUTE = 5
    assert spend(client, 6) == [200] * 5 + [429]


def test_addresses_are_counted_apart(client):
    spend(client, 60, REMOTE_ADDR="10.0.0.1")
    assert client.get("/small/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/small/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_ipv6_addresses_of_one_64_share_one_allowance(client):
    """One host can rotate through its whole /64; each address must not get a fresh 60."""
    statuses = [client.get("/small/", REMOTE_ADDR=f"2001:db8:7:8:{n:x}::1").status_code for n in range(60)]
    assert statuses == [200] * 60
    assert client.get("/small/", REMOTE_ADDR="2001:db8:7:8:abcd:1:2:3").status_code == 429
    assert client.get("/small/", REMOTE_ADDR="2001:db8:7:9::1").status_code == 200
    # An IPv4-mapped address is its IPv4 address.
    spend(client, 60, REMOTE_ADDR="192.0.2.77")
    assert client.get("/small/", REMOTE_ADDR="::ffff:192.0.2.77").status_code == 429


def test_a_signed_in_user_is_counted_as_themselves_not_their_address(client, owner, outsider):
    visitor = Client()
    spend(visitor, 60)
    assert visitor.get("/small/").status_code == 429
    client.force_login(owner)
    # Same address as the visitor who ran out, own allowance.
    assert spend(client, 60) == [200] * 60
    # Changing address buys nothing: the count follows the user.
    assert client.get("/small/", REMOTE_ADDR="10.9.9.9").status_code == 429
    other = Client()
    other.force_login(outsider)
    assert other.get("/small/").status_code == 200


def test_jwt_users_are_counted_per_user_before_drf_authenticates_them(owner, outsider):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=bearer(owner))
    statuses = [api.get("/api/v1/whoami/", REMOTE_ADDR=f"10.1.0.{i}").status_code for i in range(60)]
    assert statuses == [200] * 60
    assert api.get("/api/v1/whoami/", REMOTE_ADDR="10.1.1.1").status_code == 429
    # Another user on the same address is not affected.
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=bearer(outsider))
    response = other.get("/api/v1/whoami/", REMOTE_ADDR="10.1.0.1")
    assert response.status_code == 200 and response.json() == {"id": outsider.pk}


def test_a_forged_token_is_counted_by_address(owner):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=bearer(owner)[:-4] + "abcd")
    assert [api.get("/api/v1/small/").status_code for _ in range(60)] == [200] * 60
    # Swapping forged tokens does not reset the count: still the same address.
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api.get("/api/v1/small/").status_code == 429


def test_forwarded_for_is_ignored_without_trusted_proxies(client):
    spend(client, 60)
    response = client.get("/small/", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 429


def test_forwarded_for_from_a_trusted_proxy_names_the_client(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    spend(client, 60, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client.get("/small/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert client.get("/small/", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200
    # A client that prepends its own forged hop is still the address our proxy saw.
    forged = "198.51.100.1, 203.0.113.7"
    assert client.get("/small/", HTTP_X_FORWARDED_FOR=forged).status_code == 429


@pytest.mark.parametrize(
    "remote,forwarded,trusted,expected",
    [
        ("192.0.2.1", "203.0.113.7", [], "192.0.2.1"),
        ("192.0.2.1", "203.0.113.7", ["10.0.0.0/8"], "192.0.2.1"),
        ("10.0.0.5", "203.0.113.7", ["10.0.0.0/8"], "203.0.113.7"),
        ("10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.9", ["10.0.0.0/8"], "203.0.113.7"),
        ("10.0.0.5", "garbage", ["10.0.0.0/8"], "10.0.0.5"),
        ("10.0.0.5", "", ["10.0.0.0/8"], "10.0.0.5"),
        ("::1", "2001:db8::1", ["::1"], "2001:db8::1"),
    ],
)
def test_client_ip(rf, settings, remote, forwarded, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/static/css/journal.css"])
def test_probes_scrapes_and_static_files_are_exempt(client, path):
    spend(client, 61)
    assert client.get("/small/").status_code == 429
    assert client.get(path).status_code == 200


@pytest.mark.slow
def test_hundred_concurrent_requests_let_at_most_sixty_through():
    barrier = threading.Barrier(100)

    def one(_):
        client = Client()
        barrier.wait()
        return client.get("/small/").status_code

    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(one, range(100)))
    assert statuses.count(200) == 60
    assert statuses.count(429) == 40


def test_counter_is_atomic_under_a_burst():
    barrier = threading.Barrier(50)

    def one(_):
        barrier.wait()
        return ratelimit.hit("ip:198.51.100.50").count

    with ThreadPoolExecutor(max_workers=50) as pool:
        counts = sorted(pool.map(one, range(50)))
    assert counts == list(range(1, 51))


def test_refusals_are_counted_by_scope(client):
    before = REGISTRY.get_sample_value("rate_limited_requests_total", {"scope": "ip"}) or 0
    spend(client, 62)
    assert REGISTRY.get_sample_value("rate_limited_requests_total", {"scope": "ip"}) == before + 2


def test_redis_down_lets_requests_through_and_logs_it(client, settings, caplog, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    monkeypatch.setattr(ratelimit, "_last_error_log", float("-inf"))
    before = REGISTRY.get_sample_value("rate_limit_backend_errors_total") or 0
    with caplog.at_level(logging.WARNING, logger="journal_site.ratelimit"):
        assert spend(client, 65) == [200] * 65
    assert REGISTRY.get_sample_value("rate_limit_backend_errors_total") == before + 65
    warnings = [r for r in caplog.records if r.name == "journal_site.ratelimit"]
    # Logged once, not once per request.
    assert len(warnings) == 1
    assert "cannot reach Redis" in warnings[0].getMessage()
    assert warnings[0].error == "ConnectionError"


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis")
def test_redis_counters_expire_and_survive_a_script_flush():
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    assert ratelimit.hit("ip:192.0.2.200").count == 1
    [key] = redis.keys("*ratelimit*192.0.2.200")
    assert 60 < redis.ttl(key) <= 120
    redis.script_flush()
    assert ratelimit.hit("ip:192.0.2.200").count == 2
    assert 60 < redis.ttl(key) <= 120


@pytest.mark.urls("journal_site.urls")
def test_photo_reads_have_an_allowance_of_their_own(client, settings):
    """A gallery asks for many photos at once: they neither eat the person's 60 nor go unlimited."""
    settings.PHOTO_READS_PER_MINUTE = 100
    photo = "/diary/photos/1/0123456789abcdef0123456789abcdef/320"
    assert 429 not in spend(client, 100, photo)  # no such photo for nobody: 401, never refused for rate
    assert client.get(photo).status_code == 429
    assert spend(client, 60, "/accounts/login/") == [200] * 60  # the ordinary allowance is untouched
    assert client.get("/accounts/login/").status_code == 429
    # An upload is no read: it counts against the ordinary allowance.
    assert client.post("/diary/1/photos/").status_code == 429
