import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import path

from journal_site.urls import urlpatterns as site_patterns


def boom(request):
    raise RuntimeError("unexpected")


def database_down(request):
    raise OperationalError("connection refused")


urlpatterns = [
    path("boom/", boom),
    path("api/boom/", boom),
    path("down/", database_down),
    path("api/down/", database_down),
    *site_patterns,
]
handler500 = "journal_site.views.server_error"
handler404 = "journal_site.views.page_not_found"


@pytest.fixture
def failing_client(client):
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=__name__):
        yield client


@pytest.mark.django_db
def test_unexpected_error_gets_our_500_page(failing_client):
    response = failing_client.get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


@pytest.mark.django_db
def test_unexpected_api_error_is_json(failing_client):
    response = failing_client.get("/api/boom/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side."}


@pytest.mark.django_db
def test_database_outage_answers_503_with_retry_after(failing_client):
    response = failing_client.get("/down/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"briefly unavailable" in response.content
    api = failing_client.get("/api/down/")
    assert api.status_code == 503 and "temporarily unavailable" in api.json()["detail"]


@pytest.mark.django_db
def test_unknown_page_gets_our_404_in_polish(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 404
    assert b"Ta strona nie istnieje" in response.content


@pytest.mark.django_db
def test_unknown_api_route_is_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_csrf_failure_gets_our_403_page():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/logout/")
    assert response.status_code == 403
    assert b"You are not allowed to do that" in response.content
