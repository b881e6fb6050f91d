"""The frame around every page: navigation, its current section, the visitors' language choice."""

import re

import pytest

pytestmark = pytest.mark.django_db


def current_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', html)


@pytest.mark.parametrize(
    "path,section",
    [
        ("/diary/", "/diary/"),
        ("/diary/new/", "/diary/"),
        ("/diary/calendar/", "/diary/calendar/"),
        ("/diary/calendar/?month=2024-05", "/diary/calendar/"),
        ("/insights/", "/insights/"),
        ("/chat/", "/chat/"),
        ("/chat/gratitude/", "/chat/"),
        ("/settings/", "/settings/"),
        ("/settings/import/", "/settings/"),
        ("/accounts/password/change/", "/settings/"),
    ],
)
def test_the_current_section_is_marked_in_both_navigations(owner_client, path, section):
    html = owner_client.get(path).content.decode()
    # The wide navigation and the phone menu each mark the one section, and only it.
    assert current_links(html) == [section, section]


def test_the_dashboard_marks_no_section(owner_client):
    assert current_links(owner_client.get("/").content.decode()) == []


def test_every_signed_in_page_has_the_skip_link_menu_and_sign_out(owner_client):
    html = owner_client.get("/diary/").content.decode()
    assert '<a class="skip-link" href="#main">Skip to content</a>' in html
    assert '<main id="main"' in html
    assert html.count('action="/accounts/logout/"') == 2  # wide and phone
    assert '<summary class="nav-menu-button">' in html


@pytest.mark.parametrize("language,pressed", [("en", "English"), ("pl", "Polski")])
def test_visitors_choose_a_language_named_in_itself(client, language, pressed):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in html
    buttons = re.findall(r'lang="(\w+)" class="lang-option" aria-pressed="(\w+)">.*?visually-hidden">(\w+)<', html)
    assert [(code, name) for code, _pressed, name in buttons] == [("en", "English"), ("pl", "Polski")]
    assert [name for _code, state, name in buttons if state == "true"] == [pressed]


def test_choosing_a_language_sticks_for_the_visitor(client):
    response = client.post("/i18n/setlang/", {"language": "pl", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "<h1>Zaloguj się</h1>" in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_signed_in_pages_offer_a_language_switch_that_saves_the_setting(owner_client):
    # A signed-in user's language is their setting: the switch changes it, not just a cookie.
    html = owner_client.get("/").content.decode()
    assert 'action="/settings/preferences/"' in html and 'name="language" value="pl"' in html
    assert 'action="/i18n/setlang/"' not in html
