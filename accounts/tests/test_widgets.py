"""The time-zone select: every zone once, the chosen one selected, same options as a plain Select."""

import re

from django import forms

from accounts.widgets import TimeZoneSelect, timezone_choices


def options(html: str) -> list[tuple[str, bool]]:
    return [(value, bool(selected)) for value, selected in re.findall(r'<option value="([^"]*)"( selected)?>', html)]


def test_marks_exactly_the_chosen_zone_and_matches_a_plain_select():
    html = TimeZoneSelect(choices=timezone_choices()).render("timezone", "Europe/Warsaw", attrs={"id": "id_timezone"})
    plain = forms.Select(choices=timezone_choices()).render("timezone", "Europe/Warsaw", attrs={"id": "id_timezone"})
    assert options(html) == options(plain)
    assert [value for value, selected in options(html) if selected] == ["Europe/Warsaw"]
    assert html.startswith('<select id="id_timezone" name="timezone">')
    assert ">America/Argentina/Buenos Aires</option>" in html.replace("Buenos_Aires", "Buenos Aires")


def test_an_unknown_value_selects_nothing_and_is_never_echoed():
    html = TimeZoneSelect().render("timezone", '"><script>x</script>')
    assert not [value for value, selected in options(html) if selected]
    assert "<script>" not in html


def test_the_settings_page_shows_the_users_zone(owner_client, owner):
    owner.timezone = "Asia/Tokyo"
    owner.save()
    html = owner_client.get("/settings/").content.decode()
    assert '<option value="Asia/Tokyo" selected>Asia/Tokyo</option>' in html
