"""The signed-in user's language and time zone; the browser's language for visitors."""

from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.utils import timezone, translation

from accounts.middleware import UserPreferencesMiddleware
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_visitor_gets_the_browser_language(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.headers["Content-Language"] == "pl"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "en"


def test_signed_in_user_gets_their_language_whatever_the_browser_says(client):
    client.force_login(UserFactory(language="pl"))
    response = client.get("/settings/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "pl"
    assert b"Ustawienia" in response.content


def run_middleware(request):
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        seen["language"] = translation.get_language()
        return HttpResponse()

    with translation.override("en"):  # leave this thread's language as it was
        UserPreferencesMiddleware(view)(request)
    return seen


def test_signed_in_user_gets_their_time_zone_and_language(rf):
    request = rf.get("/")
    request.user = UserFactory(timezone="Asia/Tokyo", language="pl")
    assert run_middleware(request) == {"zone": "Asia/Tokyo", "language": "pl"}
    assert request.LANGUAGE_CODE == "pl"


def test_time_zone_does_not_leak_to_the_next_request(rf):
    request = rf.get("/")
    request.user = UserFactory(timezone="Asia/Tokyo")
    run_middleware(request)
    assert timezone.get_current_timezone_name() == "UTC"
    visitor = rf.get("/")
    visitor.user = AnonymousUser()
    timezone.activate(ZoneInfo("Europe/Lisbon"))  # left over by something else in this thread
    assert run_middleware(visitor)["zone"] == "UTC"


def test_bearer_token_user_gets_their_language(api_client):
    from rest_framework_simplejwt.tokens import RefreshToken

    user = UserFactory(language="pl")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    response = api_client.get("/api/v1/me/")
    assert response.headers["Content-Language"] == "pl"


def test_bearer_token_client_that_names_a_language_gets_it(api_client):
    from rest_framework_simplejwt.tokens import RefreshToken

    user = UserFactory(language="pl")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    response = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "en"
