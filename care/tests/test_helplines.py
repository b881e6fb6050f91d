"""Help lines: one place, per country, with their sources; the user's country from their choice or zone."""

from types import SimpleNamespace

import pytest

from care.helplines import (
    CHECKED,
    COUNTRIES,
    COUNTRY_CHOICES,
    OTHER,
    country_for_user,
    country_for_zone,
    help_for,
    help_markers,
)


def _user(**fields):
    return SimpleNamespace(**{"help_country": "", "timezone": "UTC", "language": "en", **fields})


def test_every_line_names_its_source_and_the_date_they_were_checked():
    assert CHECKED.year >= 2026
    assert set(COUNTRIES) >= {"PL", "GB", "IE", "US"}
    for country in COUNTRIES.values():
        assert country.emergency.isdigit()
        for line in country.lines:
            assert line.source.startswith("https://")


@pytest.mark.parametrize(("zone", "country"), [
    ("Europe/Warsaw", "PL"), ("Europe/London", "GB"), ("Europe/Belfast", "GB"), ("Europe/Dublin", "IE"),
    ("America/New_York", "US"), ("America/Los_Angeles", "US"), ("Pacific/Honolulu", "US"),
    ("Europe/Berlin", "DE"), ("UTC", ""), ("Etc/UTC", ""), ("Mars/Olympus", ""),
])
def test_a_time_zone_names_its_country(zone, country):
    assert country_for_zone(zone) == country


def test_the_users_choice_wins_then_the_time_zone_then_polish():
    assert country_for_user(_user(help_country="IE", timezone="Europe/Warsaw")) == "IE"
    assert country_for_user(_user(timezone="Europe/London")) == "GB"
    assert country_for_user(_user(timezone="Europe/Berlin")) == ""  # lines of Germany are not kept: the fallback
    assert country_for_user(_user(language="pl")) == "PL"
    assert country_for_user(_user(help_country=OTHER, language="pl", timezone="Europe/Warsaw")) == ""


@pytest.mark.parametrize(("country", "numbers"), [
    ("PL", ["116 123", "800 70 2222", "112"]),
    ("GB", ["Samaritans", "116 123", "999"]),
    ("IE", ["Samaritans", "116 123", "1800 247 247", "112"]),
    ("US", ["988", "911"]),
    ("", ["findahelpline.com", "112", "911"]),
])
def test_each_country_gets_its_own_lines_in_both_languages(country, numbers):
    for language in ("en", "pl"):
        text = help_for(country=country, language=language).text()
        for number in numbers:
            assert number in text, (country, language, number)
        assert all(marker in text for marker in help_markers(country=country))


def test_the_lines_are_written_in_the_language_asked_for():
    assert "You don't have to face this alone" in help_for(country="GB", language="en").text()
    polish = help_for(country="GB", language="pl").text()
    assert "Nie musisz" in polish and "Samaritans" in polish
    assert "Kryzysowy Telefon Zaufania" in help_for(country="PL", language="pl").text()


def test_settings_offer_automatic_every_country_and_another():
    codes = [code for code, _ in COUNTRY_CHOICES]
    assert codes[0] == "" and codes[-1] == OTHER and set(COUNTRIES) <= set(codes)
