"""/metrics: who may read it, what it exposes, and the Celery and memory metrics."""

import pytest
from celery import shared_task
from prometheus_client import REGISTRY

from diary.tests.factories import EntryFactory
from journal_site import metrics
from journal_site.caching import cached
from journal_site.tasks import heartbeat

pytestmark = pytest.mark.django_db


@shared_task(name="journal_site.tests.always_fails")
def always_fails() -> None:
    raise RuntimeError("boom")


def sample(name, labels=None):
    return REGISTRY.get_sample_value(name, labels or {}) or 0


def test_loopback_reads_metrics_in_prometheus_format(client):
    client.get("/")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    for name in (
        "http_request_duration_seconds_bucket",
        "http_requests_total",
        "django_db_execute_total",
        "memory_usage_bytes",
        "cache_hits_total",
        "cache_misses_total",
        "ai_reply_duration_seconds",
        "celery_tasks_total",
        "rate_limited_requests_total",
    ):
        assert name in text, name
    assert 'endpoint="home"' in text


def test_other_addresses_are_refused(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert b"django_http" not in response.content


def test_allowed_ips_and_ranges_may_read(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "192.0.2.4"]
    assert client.get("/metrics", REMOTE_ADDR="10.2.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_the_token_opens_metrics_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    ok = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert ok.status_code == 200
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403


def test_a_public_client_behind_a_loopback_proxy_is_refused(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 403


def test_only_get(client):
    assert client.post("/metrics").status_code == 405


def test_request_counters_follow_traffic(client):
    labels = {"method": "GET", "endpoint": "accounts:login"}
    before = sample("http_request_duration_seconds_count", labels)
    responses = sample("http_requests_total", {**labels, "status": "200"})
    for _ in range(3):
        client.get("/accounts/login/")
    assert sample("http_request_duration_seconds_count", labels) == before + 3
    assert sample("http_requests_total", {**labels, "status": "200"}) == responses + 3


def test_request_labels_are_route_names_never_paths_or_made_up_methods(client, owner, owner_client):
    entry = EntryFactory(user=owner)
    unmatched = sample("http_requests_total", {"method": "GET", "endpoint": "unmatched", "status": "404"})
    client.get("/no/such/page/12345/")
    assert sample("http_requests_total", {"method": "GET", "endpoint": "unmatched", "status": "404"}) == unmatched + 1
    detail = {"method": "GET", "endpoint": "diary:detail", "status": "200"}
    before = sample("http_requests_total", detail)
    owner_client.get(f"/diary/{entry.pk}/")
    assert sample("http_requests_total", detail) == before + 1
    made_up = {"method": "other", "endpoint": "accounts:login"}
    status = str(client.generic("BREW", "/accounts/login/").status_code)
    before = sample("http_requests_total", {**made_up, "status": status})
    client.generic("BREW", "/accounts/login/")
    assert sample("http_requests_total", {**made_up, "status": status}) == before + 1
    assert sample("http_requests_total", {**made_up, "method": "BREW", "status": status}) == 0


def test_liveness_probes_are_not_counted(client):
    before = sample("http_requests_total", {"method": "GET", "endpoint": "healthz", "status": "200"})
    assert client.get("/healthz").status_code == 200
    assert sample("http_requests_total", {"method": "GET", "endpoint": "healthz", "status": "200"}) == before


def test_app_cache_hits_and_misses_are_counted_by_cache_name():
    hits, misses = sample("cache_hits_total", {"cache": "stats"}), sample("cache_misses_total", {"cache": "stats"})
    assert cached("stats:test", 60, lambda: 1, name="stats") == 1
    assert cached("stats:test", 60, lambda: 2, name="stats") == 1
    assert sample("cache_misses_total", {"cache": "stats"}) == misses + 1
    assert sample("cache_hits_total", {"cache": "stats"}) == hits + 1


def test_memory_usage_is_the_resident_size(client):
    client.get("/metrics")
    value = sample("memory_usage_bytes")
    assert value == pytest.approx(metrics.resident_memory_bytes(), rel=0.5)
    assert value > 10 * 1024 * 1024


def test_celery_success_is_counted_with_its_duration():
    labels = {"task": "journal_site.heartbeat", "outcome": "success"}
    before = sample("celery_tasks_total", labels)
    durations = sample("celery_task_duration_seconds_count", {"task": "journal_site.heartbeat"})
    heartbeat.apply()
    assert sample("celery_tasks_total", labels) == before + 1
    assert sample("celery_task_duration_seconds_count", {"task": "journal_site.heartbeat"}) == durations + 1


def test_celery_failure_is_counted():
    labels = {"task": "journal_site.tests.always_fails", "outcome": "failure"}
    before = sample("celery_tasks_total", labels)
    result = always_fails.apply(throw=False)
    assert result.failed()
    assert sample("celery_tasks_total", labels) == before + 1


def test_celery_retry_and_revoke_are_counted():
    retry = {"task": "journal_site.heartbeat", "outcome": "retry"}
    revoked = {"task": "journal_site.heartbeat", "outcome": "revoked"}
    before_retry, before_revoked = sample("celery_tasks_total", retry), sample("celery_tasks_total", revoked)
    metrics._on_task_retry(sender=heartbeat)
    metrics._on_task_revoked(sender=heartbeat, request=None)
    assert sample("celery_tasks_total", retry) == before_retry + 1
    assert sample("celery_tasks_total", revoked) == before_revoked + 1


@pytest.mark.django_db
def test_each_run_is_counted_once_under_one_documented_outcome(settings):
    from django.core.cache import cache

    from conversations.tasks import cleanup_conversations

    name = "conversations.cleanup_conversations"
    cache.clear()

    def counts():
        return {o: sample("celery_tasks_total", {"task": name, "outcome": o}) for o in metrics.TASK_OUTCOMES}

    before = counts()
    cleanup_conversations.apply()  # does the day's work
    cleanup_conversations.apply()  # finds the day's lock
    after = counts()
    delta = {outcome: after[outcome] - before[outcome] for outcome in metrics.TASK_OUTCOMES}
    assert delta == {"success": 1, "skipped": 1, "failure": 0, "retry": 0, "revoked": 0, "rejected": 0}
    # No other outcome value exists for the task: the sum over outcomes is the number of runs.
    values = {
        s.labels["outcome"] for m in REGISTRY.collect() for s in m.samples
        if s.name == "celery_tasks_total" and s.labels.get("task") == name
    }
    assert values <= set(metrics.TASK_OUTCOMES)
