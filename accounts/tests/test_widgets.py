"""The time-zone select: every zone once, the chosen one selected, grouped by region, in the reader's
language (CLDR names from Babel)."""

import re

from django.utils import translation

from accounts.widgets import TimeZoneSelect, timezone_choices


def options(html: str) -> list[tuple[str, bool]]:
    return [(value, bool(selected))
            for value, selected in re.findall(r'<option value="([^"]*)" data-zone="[^"]*"( selected)?>', html)]


def test_marks_exactly_the_chosen_zone_and_offers_every_zone_once():
    html = TimeZoneSelect(choices=timezone_choices()).render("timezone", "Europe/Warsaw", attrs={"id": "id_timezone"})
    values = [value for value, _selected in options(html)]
    assert sorted(values) == sorted(value for value, _label in timezone_choices())
    assert [value for value, selected in options(html) if selected] == ["Europe/Warsaw"]
    assert html.startswith('<select id="id_timezone" name="timezone">')
    assert html.count("<optgroup") == html.count("</optgroup>") >= 8


def test_zones_read_as_cities_and_countries_in_the_readers_language():
    with translation.override("en"):
        english = TimeZoneSelect().render("timezone", None)
    with translation.override("pl"):
        polish = TimeZoneSelect().render("timezone", None)
    assert '<optgroup label="Europe">' in english and ">Warsaw (Poland)</option>" in english
    assert '<optgroup label="Europa">' in polish and ">Warszawa (Polska)</option>" in polish
    assert ">Nowy Jork (Stany Zjednoczone)</option>" in polish
    # Within a region, alphabetical by the name shown.
    europe = english.split('<optgroup label="Europe">')[1].split("</optgroup>")[0]
    labels = re.findall(r">([^<]+)</option>", europe)
    assert labels == sorted(labels, key=str.casefold)


def test_an_unknown_value_selects_nothing_and_is_never_echoed():
    html = TimeZoneSelect().render("timezone", '"><script>x</script>')
    assert not [value for value, selected in options(html) if selected]
    assert "<script>" not in html


def test_the_settings_page_shows_the_users_zone(owner_client, owner):
    owner.timezone = "Asia/Tokyo"
    owner.save()
    html = owner_client.get("/settings/").content.decode()
    assert '<option value="Asia/Tokyo" data-zone="Asia/Tokyo" selected>Tokyo (Japan)</option>' in html
