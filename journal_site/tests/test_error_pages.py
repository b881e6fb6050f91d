"""One design for every error page: the limits' 413 and 429 use templates/errors/ like the handlers."""

import pytest
from django.template import loader
from django.utils import translation

from journal_site.middleware import ratelimit

pytestmark = [pytest.mark.urls("journal_site.tests.urls_echo"), pytest.mark.django_db]

MB = 1024 * 1024
# Mid-minute: 30 seconds until the window resets.
NOW = 1_800_000_030.0


@pytest.fixture
def one_a_minute(settings, monkeypatch):
    settings.RATE_LIMIT_PER_MINUTE = 1
    monkeypatch.setattr(ratelimit, "_now", lambda: NOW)


def test_rate_limited_page_is_our_429_page_and_shows_how_long_to_wait(client, one_a_minute):
    client.get("/small/")
    response = client.get("/small/")
    assert response.status_code == 429 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert 'class="error-code" aria-hidden="true">429<' in page
    assert "<h1>Too many requests</h1>" in page
    assert "Please wait 30 seconds and try again." in page


def test_rate_limited_page_speaks_polish_with_polish_plurals(client, one_a_minute):
    client.get("/small/", HTTP_ACCEPT_LANGUAGE="pl")
    page = client.get("/small/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert '<html lang="pl">' in page
    assert "Odczekaj 30 sekund i spróbuj ponownie." in page


def test_too_large_page_is_our_413_page_in_both_languages(client):
    for language, text in [("en", "The request is too large. The limit is 1 MB."), ("pl", "Limit to 1 MB.")]:
        too_large = {"CONTENT_LENGTH": str(MB + 1), "HTTP_ACCEPT_LANGUAGE": language}
        response = client.post("/echo/form/", data=b"", content_type="text/plain", **too_large)
        page = response.content.decode()
        assert response.status_code == 413
        assert 'class="error-code" aria-hidden="true">413<' in page and f'<html lang="{language}">' in page
        assert text in page


@pytest.mark.parametrize("status", [400, 403, 404, 413, 429, 500, 503])
@pytest.mark.parametrize("language", ["en", "pl"])
def test_every_error_page_renders_without_a_request(status, language):
    with translation.override(language):
        page = loader.render_to_string(f"errors/{status}.html", {"size": "1 MB", "retry_after": 5})
    assert f'<html lang="{language}">' in page
    assert f">{status}<" in page and "<h1>" in page
    assert 'href="/"' in page
