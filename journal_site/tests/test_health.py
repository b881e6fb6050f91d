"""/healthz and /readyz."""

import pytest

from journal_site import readiness

pytestmark = pytest.mark.django_db


def test_healthz_needs_no_services(client, monkeypatch):
    monkeypatch.setattr(readiness, "check_database", lambda: "failed")
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_is_200_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}


@pytest.mark.parametrize("service", ["database", "cache", "broker"])
def test_readyz_is_503_naming_the_failed_service(client, monkeypatch, service):
    monkeypatch.setattr(readiness, f"check_{service}", lambda: "failed")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == [service]
    assert body["checks"][service] == "failed"
    assert body["detail"] == f"Not ready: {service}"


def test_readyz_names_every_failed_service(client, monkeypatch):
    monkeypatch.setattr(readiness, "check_cache", lambda: "failed")
    monkeypatch.setattr(readiness, "check_broker", lambda: "failed")
    assert client.get("/readyz").json()["failed"] == ["cache", "broker"]


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
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    assert readiness.check_broker() == "failed"
