"""Answers given before the view runs (413, 429) carry the same security headers as pages."""

import pytest

pytestmark = pytest.mark.django_db


def assert_security_headers(response):
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_body_too_large_page_has_security_headers(client, settings):
    settings.MAX_BODY_BYTES = 2048
    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert_security_headers(response)


def test_rate_limited_answer_has_security_headers(client, settings):
    settings.RATE_LIMIT_PER_MINUTE = 1
    client.get("/accounts/login/")
    response = client.get("/accounts/login/")
    assert response.status_code == 429
    assert_security_headers(response)
