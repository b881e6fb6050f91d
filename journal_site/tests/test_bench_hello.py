"""The benchmark's bare view exists only when BENCH is set."""

import importlib

import pytest
from django.urls import clear_url_caches

import journal_site.urls


@pytest.fixture
def reload_urls(monkeypatch):
    def reload(bench: str | None):
        if bench is None:
            monkeypatch.delenv("BENCH", raising=False)
        else:
            monkeypatch.setenv("BENCH", bench)
        importlib.reload(journal_site.urls)
        clear_url_caches()

    yield reload
    monkeypatch.delenv("BENCH", raising=False)
    importlib.reload(journal_site.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_hello_is_not_routed_normally(client, reload_urls):
    reload_urls(None)
    assert client.get("/bench/hello").status_code == 404


@pytest.mark.django_db
def test_hello_answers_when_bench_is_set(client, reload_urls):
    reload_urls("1")
    response = client.get("/bench/hello")
    assert response.status_code == 200 and response.content == b"hello"
