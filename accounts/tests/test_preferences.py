"""The footer's switches for a signed-in user: language and theme, saved to the account."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_theme_is_saved_and_set_as_a_class_on_the_page(owner_client, owner):
    response = owner_client.post("/settings/preferences/", {"theme": "dark", "next": "/diary/?q=x"})
    assert response.status_code == 302 and response["Location"] == "/diary/?q=x"
    owner.refresh_from_db()
    assert owner.theme == "dark"
    html = owner_client.get("/diary/").content.decode()
    assert '<html lang="en" class="theme-dark">' in html
    assert '<meta name="color-scheme" content="dark">' in html


def test_system_theme_adds_no_class(owner_client):
    html = owner_client.get("/diary/").content.decode()
    assert '<html lang="en">' in html and '<meta name="color-scheme" content="light dark">' in html


def test_language_is_saved_with_the_cookie_for_signed_out_pages(owner_client, owner):
    response = owner_client.post("/settings/preferences/", {"language": "pl", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == "pl" and owner.theme == "system"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    assert '<html lang="pl"' in owner_client.get("/").content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
def test_only_local_pages_are_returned_to(owner_client, next_url):
    response = owner_client.post("/settings/preferences/", {"theme": "light", "next": next_url})
    assert response["Location"] == "/"


@pytest.mark.parametrize("data", [{"theme": "purple"}, {"language": "de"}])
def test_an_unknown_choice_changes_nothing(owner_client, owner, data):
    response = owner_client.post("/settings/preferences/", {**data, "next": "/diary/"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.theme, owner.language) == ("system", "en")


def test_preferences_are_post_only_and_for_signed_in_users(owner_client, owner):
    assert owner_client.get("/settings/preferences/").status_code == 405
    response = Client().post("/settings/preferences/", {"theme": "dark"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    owner.refresh_from_db()
    assert owner.theme == "system"


def test_settings_page_saves_the_theme(owner_client, owner):
    data = {"email": owner.email, "language": "en", "timezone": "UTC", "theme": "light"}
    assert owner_client.post("/settings/", data).status_code == 302
    owner.refresh_from_db()
    assert owner.theme == "light"


def test_the_footer_offers_both_switches_to_signed_in_users_only(owner_client):
    html = owner_client.get("/").content.decode()
    assert 'action="/settings/preferences/"' in html and 'name="theme" value="dark"' in html
    assert 'action="/settings/preferences/"' not in Client().get("/").content.decode()
