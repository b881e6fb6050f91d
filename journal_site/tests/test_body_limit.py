"""BodySizeLimitMiddleware: 413 before the body is read, for forms, DRF JSON and chunked bodies."""

import io
import json

import pytest
from prometheus_client import REGISTRY

pytestmark = [pytest.mark.urls("journal_site.tests.urls_echo"), pytest.mark.django_db]

MB = 1024 * 1024


class Untouchable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


class CountingStream(io.BytesIO):
    """Counts how many bytes were taken from it."""

    taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


def chunked(client, path, body: bytes, content_type: str):
    """POST without Content-Length, as a chunked request arrives from gunicorn."""
    stream = CountingStream(body)
    response = client.post(
        path,
        data=b"placeholder",
        content_type=content_type,
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream},
    )
    return response, stream


def test_form_post_over_the_limit_gets_a_413_page_without_reading_the_body(client):
    response = client.post(
        "/echo/form/",
        data=b"x" * 10,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(MB + 1),
        **{"wsgi.input": Untouchable()},
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"The request is too large. The limit is 1 MB." in response.content


def test_api_json_over_the_limit_gets_a_json_413_without_reading_the_body(client):
    response = client.post(
        "/api/v1/echo/",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(MB + 1),
        **{"wsgi.input": Untouchable()},
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large. The limit is 1 MB."}


def test_real_oversized_bodies_are_refused_for_forms_and_drf(client, api_client):
    big = "y" * (MB + 10)
    assert client.post("/echo/form/", {"text": big}).status_code == 413
    assert api_client.post("/api/v1/echo/", {"text": big}, format="json").status_code == 413


def test_bodies_under_the_limit_reach_forms_and_drf(client, api_client):
    text = "z" * (MB - 1000)
    response = client.post("/echo/form/", {"text": text})
    assert response.status_code == 200 and len(response.json()["fields"]["text"]) == len(text)
    response = api_client.post("/api/v1/echo/", {"text": text}, format="json")
    assert response.status_code == 200 and response.json()["size"] == len(text)


def test_the_import_endpoint_has_its_own_larger_limit(api_client, settings):
    settings.IMPORT_MAX_BYTES = 3 * MB
    two_mb = io.BytesIO(b"{" + b" " * (2 * MB) + b"}")
    two_mb.name = "export.json"
    response = api_client.post("/api/v1/import/", {"file": two_mb}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["keys"] == ["file"]
    response = api_client.post(
        "/api/v1/import/", data=b"{}", content_type="application/json", CONTENT_LENGTH=str(3 * MB + 1)
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large. The limit is 3 MB."}
    # The ordinary limit still holds everywhere else.
    assert (
        api_client.post("/api/v1/echo/", data=b"{}", content_type="application/json", CONTENT_LENGTH=str(2 * MB))
    ).status_code == 413


def test_the_limit_follows_settings(client, settings):
    settings.MAX_BODY_BYTES = 2048
    assert client.post("/echo/form/", {"text": "a" * 1500}).status_code == 200
    response = client.post("/echo/form/", {"text": "a" * 3000})
    assert response.status_code == 413 and b"The limit is 2 KB." in response.content


def test_chunked_json_under_the_limit_is_parsed_by_drf(client):
    body = json.dumps({"text": "hello " * 1000, "mood": 4}).encode()
    response, _stream = chunked(client, "/api/v1/echo/", body, "application/json")
    assert response.status_code == 200
    assert response.json() == {"size": 6000, "keys": ["mood", "text"]}


def test_chunked_form_under_the_limit_is_parsed_by_django(client):
    response, _stream = chunked(client, "/echo/form/", b"title=Rain&mood=3", "application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert response.json() == {"fields": {"title": "Rain", "mood": "3"}}


@pytest.mark.parametrize("path", ["/api/v1/echo/", "/echo/form/"])
def test_chunked_body_over_the_limit_is_refused_after_reading_just_past_the_limit(client, path):
    response, stream = chunked(client, path, b"a" * (5 * MB), "application/json")
    assert response.status_code == 413
    assert MB < stream.taken <= MB + 1
    if path.startswith("/api/"):
        assert response.json()["detail"].startswith("The request is too large")


def test_413_page_speaks_polish_to_a_polish_browser(client):
    response = client.post(
        "/echo/form/",
        data=b"",
        content_type="text/plain",
        CONTENT_LENGTH=str(MB + 1),
        HTTP_ACCEPT_LANGUAGE="pl",
        **{"wsgi.input": Untouchable()},
    )
    assert response.status_code == 413
    assert "Żądanie jest za duże. Limit to 1 MB.".encode() in response.content


def test_refusals_are_counted(client):
    before = REGISTRY.get_sample_value("request_body_too_large_total") or 0
    client.post("/echo/form/", data=b"", content_type="text/plain", CONTENT_LENGTH=str(MB + 1))
    assert REGISTRY.get_sample_value("request_body_too_large_total") == before + 1


@pytest.mark.slow
def test_every_limit_is_read_from_the_environment(tmp_path):
    from journal_site.tests.test_settings import settings_value

    env = {
        "MAX_BODY_BYTES": "2048",
        "IMPORT_MAX_BYTES": "4096",
        "RATE_LIMIT_PER_MINUTE": "7",
        "TRUSTED_PROXIES": "10.0.0.1,10.0.1.0/24",
        "METRICS_ALLOWED_IPS": "192.0.2.1",
        "REQUEST_TIMEOUT_SECONDS": "9",
    }
    out = settings_value(
        "settings.MAX_BODY_BYTES, settings.IMPORT_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE,"
        " settings.RATE_LIMIT_PER_MINUTE, settings.TRUSTED_PROXIES, settings.METRICS_ALLOWED_IPS,"
        " settings.REQUEST_TIMEOUT_SECONDS",
        env,
        tmp_path,
    )
    assert out == "2048 4096 2048 7 ['10.0.0.1', '10.0.1.0/24'] ['192.0.2.1'] 9"
