"""/healthz and /readyz."""

import pytest

from journal_site import readiness

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_readiness():
    readiness.forget()
    yield
    readiness.forget()


def test_healthz_needs_no_services(client, monkeypatch):
    monkeypatch.setattr(readiness, "check_database", lambda: "failed")
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_is_200_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}


def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(readiness, "check_database", lambda: "failed")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "failed"
    assert body["detail"] == "Not ready: database"


@pytest.mark.parametrize("service", ["cache", "broker"])
def test_readyz_stays_200_and_reports_degraded_when_cache_or_broker_is_down(client, monkeypatch, service):
    monkeypatch.setattr(readiness, f"check_{service}", lambda: "failed")
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["failed"] == [service]
    assert body["detail"] == f"Degraded: {service}"


def test_readyz_names_every_failed_service(client, monkeypatch):
    monkeypatch.setattr(readiness, "check_database", lambda: "failed")
    monkeypatch.setattr(readiness, "check_broker", lambda: "failed")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failed"] == ["database", "broker"]


def test_readyz_checks_the_services_at_most_once_in_a_second(client, monkeypatch):
    calls = []
    monkeypatch.setattr(readiness, "check_broker", lambda: calls.append(1) or "ok")
    for _ in range(50):
        assert client.get("/readyz").status_code == 200
    assert len(calls) == 1
    monkeypatch.setattr(readiness.time, "monotonic", lambda: 10**9)
    client.get("/readyz")
    assert len(calls) == 2


def test_database_check_fails_when_the_database_does_not_answer(monkeypatch, caplog):
    class Broken:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr(readiness, "connection", Broken())
    assert readiness.check_database() == "failed"
    assert "readiness: database failed" in caplog.text


def test_cache_check_fails_when_redis_does_not_answer(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    assert readiness.check_cache() == "failed"


@pytest.mark.slow
def test_broker_check_fails_when_the_broker_does_not_answer(settings, monkeypatch):
    from journal_site.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.close()  # a pooled connection to the real broker (an earlier check's) would still answer
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    try:
        assert readiness.check_broker() == "failed"
    finally:
        app.close()


def test_readyz_tells_a_stranger_the_status_alone(client, monkeypatch, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    monkeypatch.setattr(readiness, "check_database", lambda: "failed")
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}
    insider = client.get("/readyz", REMOTE_ADDR="127.0.0.1")
    assert insider.json()["failed"] == ["database"]
