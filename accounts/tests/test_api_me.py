from datetime import UTC, datetime, time

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from accounts.api import MeSerializer
from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def test_me_shows_only_the_callers_own_account(owner_api, outsider_api, owner, outsider):
    body = owner_api.get(ME).json()
    assert body["id"] == owner.pk and body["username"] == "owner"
    assert {"id", "username", "email", "language", "timezone", "ai_can_read_entries", "created_at"} <= set(body)
    assert "password" not in body
    assert outsider_api.get(ME).json()["id"] == outsider.pk


def test_me_works_with_the_browser_session(owner_client, owner):
    assert owner_client.get(ME).json()["id"] == owner.pk


def test_me_patch_changes_profile(owner_api, owner):
    response = owner_api.patch(
        ME,
        {
            "email": "NEW@Example.com",
            "language": "pl",
            "timezone": "Europe/Warsaw",
            "ai_can_read_entries": True,
            "current_password": PASSWORD,
        },
        format="json",
    )
    assert response.status_code == 200
    owner.refresh_from_db()
    # The address waits for its confirmation (accounts/tests/test_email_change.py); the rest is saved.
    assert (owner.email, owner.language, owner.timezone, owner.ai_can_read_entries) == (
        "owner@example.com",
        "pl",
        "Europe/Warsaw",
        True,
    )
    assert response.json()["email"] == "owner@example.com"


def test_me_patch_cannot_touch_read_only_fields_or_other_users(owner_api, owner, outsider):
    response = owner_api.patch(ME, {"id": outsider.pk, "username": "hijack", "is_admin": True}, format="json")
    assert response.status_code == 200
    owner.refresh_from_db()
    outsider.refresh_from_db()
    assert owner.username == "owner" and not owner.is_admin
    assert outsider.username == "outsider"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"email": "OUTSIDER@example.com", "current_password": PASSWORD}, "email"),
        ({"email": "nope"}, "email"),
        ({"language": "de"}, "language"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"reminder_enabled": True}, "reminder_time"),
        ({"reminder_time": "25:99"}, "reminder_time"),
    ],
)
def test_me_patch_refuses_bad_input_and_keeps_the_row(owner_api, owner, outsider, body, field):
    before = _row(owner)
    # A good change beside the bad one: nothing of the body may be saved.
    good = {"timezone": "Europe/Warsaw"} if field != "timezone" else {"language": "pl"}
    response = owner_api.patch(ME, {**good, **body}, format="json")
    assert response.status_code == 400 and list(response.json()) == [field], response.json()
    assert _row(owner) == before


def _row(user: User) -> dict:
    return User.objects.filter(pk=user.pk).values().get()


def test_me_reminder_on_with_a_time(owner_api, owner):
    response = owner_api.patch(ME, {"reminder_enabled": True, "reminder_time": "21:30"}, format="json")
    assert response.status_code == 200 and response.json()["reminder_time"] == "21:30:00"


def test_me_put_is_not_allowed(owner_api):
    assert owner_api.put(ME, {}, format="json").status_code == 405


def test_me_patch_query_count(owner_api, owner, django_assert_num_queries):
    owner_api.get(ME)
    # 1 is the email taken by someone else?; 2 did someone change away from it this week?
    # 3 update the changed columns (user from the cache); 4 record the change;
    # 5 "email changed" in the activity log (accounts/activity.py).
    with django_assert_num_queries(5):
        body = {"email": "fresh@example.com", "current_password": PASSWORD}
        assert owner_api.patch(ME, body, format="json").status_code == 200
    owner_api.get(ME)
    # 1 update the changed column: no email check, no password, nothing recorded.
    with django_assert_num_queries(1):
        assert owner_api.patch(ME, {"language": "pl"}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("zone", "reminder"),
    [("UTC", None), ("Europe/Warsaw", time(20, 30)), ("America/Adak", time(7, 5, 9))],
)
def test_me_is_byte_for_byte_what_the_serializer_writes(zone, reminder, owner, owner_api):
    """GET /me/ skips the serializer (docs/api.md, "Read paths"); its bytes must not change."""
    owner.username, owner.timezone, owner.language = "İpek\u2028", zone, "pl"
    owner.reminder_enabled, owner.reminder_time = reminder is not None, reminder
    owner.created_at = datetime(2025, 10, 26, 1, 0, 0, 123456, tzinfo=UTC)
    owner.save()
    response = owner_api.get(ME)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    owner.refresh_from_db()
    with timezone.override(zone):
        expected = JSONRenderer().render(MeSerializer(owner).data)
    assert response.content == expected
    assert "current_password" not in response.json()
