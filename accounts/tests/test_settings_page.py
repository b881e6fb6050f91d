import datetime

import pytest
from django.conf import settings

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FORM = {"email": "owner@example.com", "language": "en", "timezone": "UTC"}


def test_settings_needs_sign_in(client):
    response = client.get("/settings/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/settings/")


def test_settings_page_shows_every_section(owner_client):
    response = owner_client.get("/settings/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("email", "language", "timezone", "ai_can_read_entries", "reminder_enabled", "reminder_time"):
        assert f'name="{name}"' in body
    assert "Your data" in body and "Danger zone" in body
    assert 'action="/settings/delete/"' in body and 'href="/accounts/password/change/"' in body
    assert "portability/_data_settings.html" in [t.name for t in response.templates]
    assert 'value="Europe/Warsaw"' in body


def test_companion_consent_is_off_by_default(owner):
    assert owner.ai_can_read_entries is False


def test_settings_saves_profile_and_reminder(owner_client, owner):
    response = owner_client.post(
        "/settings/",
        {
            "email": "Fresh@Example.com",
            "language": "pl",
            "timezone": "Europe/Warsaw",
            "ai_can_read_entries": "on",
            "reminder_enabled": "on",
            "reminder_time": "21:15",
            "current_password": PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/settings/"
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"  # until fresh@example.com confirms it
    assert (owner.language, owner.timezone, owner.ai_can_read_entries) == ("pl", "Europe/Warsaw", True)
    assert owner.reminder_enabled and owner.reminder_time == datetime.time(21, 15)
    # The language sticks after signing out, and the next page speaks it.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    page = owner_client.get("/settings/")
    assert b"Zapisano ustawienia." in page.content


def test_settings_turning_things_off(owner_client, owner):
    User.objects.filter(pk=owner.pk).update(ai_can_read_entries=True, reminder_enabled=True)
    owner_client.post("/settings/", FORM)
    owner.refresh_from_db()
    assert owner.ai_can_read_entries is False and owner.reminder_enabled is False


@pytest.mark.parametrize(
    "change,field",
    [
        ({"email": "OUTSIDER@EXAMPLE.COM"}, "email"),
        ({"email": "not an email"}, "email"),
        ({"timezone": "Moon/Base"}, "timezone"),
        ({"language": "xx"}, "language"),
        ({"reminder_enabled": "on"}, "reminder_time"),
        ({"reminder_time": "7 o'clock"}, "reminder_time"),
    ],
)
def test_bad_settings_are_refused_beside_the_field_and_nothing_changes(owner_client, owner, outsider, change, field):
    response = owner_client.post("/settings/", {**FORM, "language": "pl", **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    owner.refresh_from_db()
    assert owner.language == "en" and owner.email == "owner@example.com"
    # The page around the form still shows the account as it is.
    assert response.context["user"].language == "en"


def test_settings_page_query_count(owner_client, django_assert_num_queries):
    owner_client.get("/settings/")
    # Session and user come from the cache; the page reads only the account's text count, which every
    # entry write changes (docs/limits.md), and the space its photos take (the diary's section).
    with django_assert_num_queries(2) as captured:
        assert owner_client.get("/settings/").status_code == 200
    assert captured.captured_queries[0]["sql"].startswith('SELECT "users"."text_bytes"')
    assert 'SUM("diary_attachments"."stored_bytes")' in captured.captured_queries[1]["sql"]


def test_settings_needs_csrf(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post("/settings/", FORM).status_code == 403
