"""A CSRF failure: a friendly page for the user, the real cause in the operator's log."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SECRET = "correct horse battery staple 4711"


def csrf_records(caplog):
    return [r for r in caplog.records if r.name == "journal_site.views" and "CSRF" in r.getMessage()]


def test_missing_cookie_is_logged_with_its_reason_and_never_the_body(caplog):
    caplog.set_level(logging.WARNING, logger="journal_site.views")
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "alice", "password": SECRET}, HTTP_HOST="testserver"
    )
    assert response.status_code == 403
    assert b"You are not allowed to do that" in response.content
    assert b"CSRF cookie not set" not in response.content  # the cause is for the operator

    [record] = csrf_records(caplog)
    assert record.levelname == "WARNING"
    assert record.reason == "CSRF cookie not set."
    assert record.method == "POST" and record.route == "accounts/login/"
    assert SECRET not in caplog.text and "alice" not in caplog.text


def test_a_proxy_that_drops_the_port_shows_up_as_an_origin_mismatch(caplog, settings):
    """Debian's proxy_params sends Host without the port; the browser's Origin keeps it."""
    settings.ALLOWED_HOSTS = ["journal.example"]
    caplog.set_level(logging.WARNING, logger="journal_site.views")
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/", HTTP_HOST="journal.example")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": SECRET, "csrfmiddlewaretoken": token},
        HTTP_HOST="journal.example",
        HTTP_ORIGIN="http://journal.example:8443",
    )
    assert response.status_code == 403
    [record] = csrf_records(caplog)
    assert "Origin checking failed" in record.reason
    assert record.origin == "http://journal.example:8443" and record.host == "journal.example"
    assert record.scheme == "http"
    assert SECRET not in caplog.text


def test_the_reset_token_in_a_path_never_reaches_the_log(caplog):
    caplog.set_level(logging.WARNING, logger="journal_site.views")
    path = "/accounts/password/reset/MQ/c4x0yz-0123456789abcdef0123456789abcdef/"
    response = Client(enforce_csrf_checks=True).post(path, {"new_password1": SECRET})
    assert response.status_code == 403
    [record] = csrf_records(caplog)
    assert record.route == "accounts/password/reset/<uidb64>/<token>/"
    assert "0123456789abcdef" not in repr(vars(record))


def test_api_clients_get_json(caplog):
    from django.test import RequestFactory

    from journal_site.views import csrf_failure

    caplog.set_level(logging.WARNING, logger="journal_site.views")
    request = RequestFactory().post("/api/v1/entries/")
    response = csrf_failure(request, reason="CSRF token missing.")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    [record] = csrf_records(caplog)
    assert record.reason == "CSRF token missing." and record.route is None
