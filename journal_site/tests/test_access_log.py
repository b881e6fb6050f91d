"""Logs write a URL that carries a secret as its route: the access log under gunicorn and Django's request log."""

import logging

import pytest
from django.test import RequestFactory

from journal_site.access_log import SecretPathFilter, loggable_path
from journal_site.tests.test_gunicorn import gunicorn, request  # noqa: F401 - the fixture

# "Lw" is no user id, so the view answers without the database.
RESET = "/accounts/password/reset/Lw/cf1a2b-0123456789abcdef0123456789abcdef/"
UNDO = "/accounts/email/undo/eyJjaGFuZ2UiOjF9:1tXyZw:secret-signature-0123456789/"


def test_secret_paths_are_written_as_their_route():
    assert loggable_path(RESET) == "/accounts/password/reset/<uidb64>/<token>/"
    assert loggable_path(UNDO) == "/accounts/email/undo/<str:token>/"


@pytest.mark.parametrize(
    "path", ["/", "/diary/12/", "/accounts/password/reset/", "/accounts/password/reset/sent/", "/no"]
)
def test_other_paths_are_written_as_they_are(path):
    assert loggable_path(path) == path


def test_djangos_request_log_gets_the_route():
    request = RequestFactory().get(UNDO)
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s: %s", ("Bad Request", UNDO), None)
    record.request = request
    assert SecretPathFilter().filter(record) is True
    assert record.getMessage() == "Bad Request: /accounts/email/undo/<str:token>/"


@pytest.mark.parametrize("path", [UNDO, RESET])
def test_a_json_log_line_of_a_request_to_a_secret_route_holds_no_token(path):
    from pythonjsonlogger.json import JsonFormatter

    request = RequestFactory().post(path)
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s: %s", ("Bad Request", path), None)
    record.request = request
    record.status_code = 400
    assert SecretPathFilter().filter(record) is True
    line = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s").format(record)
    assert "secret-signature" not in line and "0123456789abcdef" not in line and "eyJjaGFuZ2Ui" not in line
    assert "<WSGIRequest: POST '/accounts/" in line
    assert record.request.method == "POST" and record.request.path == path  # still the request for other handlers


@pytest.mark.slow
def test_gunicorns_access_log_never_holds_a_reset_or_undo_token(gunicorn, tmp_path):  # noqa: F811
    port, _ = gunicorn(GUNICORN_ACCESS_LOG="1")
    for path in (RESET, UNDO, UNDO + "?next=/x", "/healthz"):
        status, _headers, _body = request(port, path)
        assert status < 500, path
    log = (tmp_path / "gunicorn.log").read_text()
    assert "0123456789abcdef" not in log and "secret-signature" not in log and "eyJjaGFuZ2Ui" not in log
    assert '"GET /accounts/password/reset/<uidb64>/<token>/" 200' in log
    assert '"GET /accounts/email/undo/<str:token>/" 400' in log
    assert '"GET /healthz" 200' in log


@pytest.mark.slow
def test_gunicorn_writes_json_lines_when_the_logs_are_json(gunicorn, tmp_path):  # noqa: F811
    """With LOG_FORMAT=json (the production default) gunicorn's own lines are JSON too: one object per
    request with its fields, and its error log (start, workers) as JSON objects."""
    import json

    port, _ = gunicorn(GUNICORN_ACCESS_LOG="1", LOG_FORMAT="json")
    for path in (RESET, "/healthz"):
        request(port, path)
    lines = [line for line in (tmp_path / "gunicorn.log").read_text().splitlines() if line.strip()]
    not_json = [line for line in lines if not line.startswith("{")]
    assert not not_json, not_json
    records = [json.loads(line) for line in lines]
    access = [r for r in records if r.get("name") == "gunicorn.access"]
    health = next(r for r in access if r["path"] == "/healthz")
    assert health["method"] == "GET" and health["status"] == 200 and isinstance(health["duration_ms"], int)
    assert any(r["path"] == "/accounts/password/reset/<uidb64>/<token>/" for r in access)
    assert "0123456789abcdef" not in "\n".join(lines)
    assert any(r.get("name") == "gunicorn.error" and "Booting worker" in r["message"] for r in records)
