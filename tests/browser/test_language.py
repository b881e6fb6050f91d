"""Polish and English: the user's setting first, else the browser's language; dates, numbers, plurals."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from diary.tests.factories import EntryFactory
from tests.browser.conftest import SCREENSHOTS, open_page, signed_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def polish_browser(browser, live_server):
    page = open_page(browser, live_server, locale="pl-PL")
    yield page
    page.context.close()


def test_a_visitor_gets_the_browsers_language_and_can_switch(polish_browser):
    page = polish_browser
    page.goto(page.base + "/")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.locator("h1").inner_text() == "Prywatny dziennik z życzliwym towarzyszem"
    languages = page.get_by_role("group", name="Język")
    assert languages.get_by_role("button", name="Polski").get_attribute("aria-pressed") == "true"

    languages.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "A private journal with a kind companion"
    # The choice is remembered on the next page.
    page.get_by_role("link", name="Sign in").first.click()
    assert page.locator("h1").inner_text() == "Sign in"
    page.get_by_role("group", name="Language").get_by_role("button", name="Polski").click()
    assert page.locator("h1").inner_text() == "Zaloguj się"


def test_the_users_setting_wins_over_the_browsers_language(polish_browser, owner):
    signed_in_as(polish_browser, owner)  # owner.language is "en"
    polish_browser.goto(polish_browser.base + "/diary/")
    assert polish_browser.locator("html").get_attribute("lang") == "en"
    assert polish_browser.locator("h1").inner_text() == "Diary"


@pytest.fixture
def may_2024(owner):
    """Five entries in May 2024 and one of 1,500 words written yesterday."""
    zone = ZoneInfo("Europe/Warsaw")
    for day in (3, 7, 10, 21, 30):
        EntryFactory(user=owner, title=f"May {day}", created_at=datetime(2024, 5, day, 20, 15, tzinfo=zone))
    EntryFactory(user=owner, title="Long", content="word " * 1500, word_count=1500,
                 created_at=timezone.now() - timedelta(days=1))


@pytest.mark.parametrize(
    "language,date,entries,words,count,mood",
    [
        ("en", "Friday, May 3, 2024 · 8:15 p.m.", "5 entries this month", "1,500 words", "1,500", "4.0"),
        ("pl", "piątek, 3 maja 2024 · 20:15", "5 wpisów w tym miesiącu", "1\u00a0500 słów", "1\u00a0500", "4,0"),
    ],
)
def test_dates_numbers_and_plurals_follow_the_users_language(
    browser, live_server, owner, may_2024, language, date, entries, words, count, mood
):
    owner.language, owner.timezone = language, "Europe/Warsaw"
    owner.save()
    # The browser asks for the other language; the setting wins.
    page = open_page(browser, live_server, locale="pl-PL" if language == "en" else "en-US")
    try:
        signed_in_as(page, owner)
        page.goto(page.base + "/diary/calendar/?month=2024-05")
        assert page.locator(".calendar-footer p").inner_text() == entries

        page.goto(page.base + "/diary/?from=2024-05-03&to=2024-05-03")
        assert page.locator(".entry-card .entry-date").inner_text() == date

        page.goto(page.base + "/diary/")
        page.locator(".entry-card-title a").first.click()
        assert page.locator(".entry-footer p").inner_text() == words

        page.goto(page.base + "/insights/?days=365")
        stats = page.locator(".stat dd")
        assert stats.nth(1).inner_text() == count  # words written
        assert stats.nth(3).inner_text().startswith(mood)  # average mood
    finally:
        page.context.close()


def test_the_time_zone_is_found_by_typing_a_city_in_the_readers_language(page, owner):
    owner.language = "pl"
    owner.save()
    signed_in_as(page, owner)
    page.goto(page.base + "/settings/")
    select = page.locator("select[name=timezone]")
    assert select.locator("optgroup[label=Europa] option[value='Europe/Warsaw']").inner_text() == "Warszawa (Polska)"
    page.get_by_label("Znajdź strefę czasową").fill("warsz")
    assert select.input_value() == "Europe/Warsaw"
    assert select.locator("option:not([hidden])").count() < 5  # the matches (and the zone chosen before)
    page.screenshot(path=str(SCREENSHOTS / "settings-zone-find-pl.png"))
    assert page.js_errors == []
