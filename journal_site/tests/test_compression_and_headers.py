"""MinimumSizeGZipMiddleware and PrivateResponseHeadersMiddleware."""

import gzip

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

pytestmark = [pytest.mark.urls("journal_site.tests.urls_echo"), pytest.mark.django_db]


def test_responses_of_1000_bytes_or_more_are_gzipped(client):
    response = client.get("/sized/1000/", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == b"a" * 1000
    assert "Accept-Encoding" in response["Vary"]


def test_responses_under_1000_bytes_are_not(client):
    response = client.get("/sized/999/", HTTP_ACCEPT_ENCODING="gzip")
    assert not response.has_header("Content-Encoding")
    assert response.content == b"a" * 999


def test_no_gzip_for_clients_that_do_not_accept_it(client):
    response = client.get("/sized/5000/")
    assert not response.has_header("Content-Encoding")
    assert response.content == b"a" * 5000


def test_pages_are_gzipped_for_browsers(client):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert b"<!doctype html>" in gzip.decompress(response.content)


def test_signed_in_pages_are_no_store(owner_client):
    response = owner_client.get("/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_visitor_pages_are_not_marked_no_store(client):
    response = client.get("/small/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_jwt_api_answers_are_no_store(owner):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(owner).access_token}")
    response = api.get("/api/v1/whoami/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_session_api_answers_are_no_store(owner_client):
    response = owner_client.get("/api/v1/whoami/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_even_errors_to_signed_in_users_are_no_store(owner_client):
    response = owner_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]
