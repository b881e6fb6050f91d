"""Maintenance mode (journal_site/maintenance.py, docs/operations.md): a 503 for all but staff; probes pass."""

import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from journal_site import maintenance


@pytest.fixture
def upgrading(db):
    call_command("maintenance", "on", "--retry-after", "120")
    yield
    call_command("maintenance", "off")


def test_the_site_answers_as_usual_when_maintenance_is_off(client, db):
    assert client.get("/accounts/login/").status_code == 200


@pytest.mark.usefixtures("upgrading")
def test_a_visitor_gets_a_friendly_503_with_retry_after(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 503 and response["Retry-After"] == "120"
    assert response["Cache-Control"] == "no-store"
    assert "The journal is being upgraded" in response.content.decode()


@pytest.mark.usefixtures("upgrading")
def test_a_signed_in_user_and_a_script_get_it_too(client, api_client):
    client.force_login(UserFactory())
    assert client.get("/diary/").status_code == 503
    response = api_client.get("/api/v1/entries/")
    assert response.status_code == 503 and response["Retry-After"] == "120"
    assert "upgraded" in response.json()["detail"]


@pytest.mark.usefixtures("upgrading")
def test_staff_and_health_probes_pass(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in (200, 503)  # what the backends say, not maintenance
    assert client.get("/admin/login/").status_code == 200
    client.force_login(UserFactory(is_admin=True))
    assert client.get("/diary/").status_code == 200


def test_turning_it_off_opens_the_site_again(client, db):
    call_command("maintenance", "on")
    assert client.get("/accounts/login/").status_code == 503
    call_command("maintenance", "off")
    assert client.get("/accounts/login/").status_code == 200


def test_another_process_sees_the_switch_within_the_check_interval(client, db, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(maintenance.time, "monotonic", lambda: clock[0])
    maintenance.maintenance_off()
    assert maintenance.maintenance_current() is None
    # Another machine turns it on: this process sees it once CHECK_SECONDS have passed, not before.
    from django.core.cache import cache

    cache.set(maintenance.KEY, {"since": "2026-12-07T05:00:00+00:00", "retry_after": 60}, timeout=None)
    assert maintenance.maintenance_current() is None
    clock[0] += maintenance.CHECK_SECONDS
    assert maintenance.maintenance_current().retry_after == 60
    maintenance.maintenance_off()


def test_the_command_says_what_it_did(capsys, db):
    call_command("maintenance", "status")
    assert "Maintenance is off." in capsys.readouterr().out
    call_command("maintenance", "on", "--retry-after", "60")
    assert "Retry-After 60 s" in capsys.readouterr().out
    call_command("maintenance", "status")
    assert "Maintenance is on since" in capsys.readouterr().out
    call_command("maintenance", "off")
    assert "Maintenance is off." in capsys.readouterr().out
