"""The account activity log: what is recorded, who can read it, how long it is kept."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import activity, tasks
from accounts.models import ActivityEvent
from accounts.tests.factories import PASSWORD, UserFactory
from diary.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

ACTIVITY = "/api/v1/me/activity/"


def kinds(user) -> list[str]:
    return list(ActivityEvent.objects.filter(user=user).order_by("created_at", "id").values_list("kind", flat=True))


def test_sign_ins_and_failed_sign_ins_of_an_existing_account_are_logged(client, owner):
    client.post("/accounts/login/", {"username": "owner", "password": "wrong"}, REMOTE_ADDR="203.0.113.5")
    client.post("/accounts/login/", {"username": "ghost", "password": "wrong"})
    client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, HTTP_USER_AGENT="Firefox/128.0")
    APIClient().post("/api/v1/auth/token/", {"username": "owner@example.com", "password": PASSWORD}, format="json")
    assert kinds(owner) == ["sign_in_failed", "sign_in", "sign_in"]
    failed, page, app = ActivityEvent.objects.filter(user=owner).order_by("created_at", "id")
    assert failed.address == "203.0.113.0/24" and failed.details == {"step": "password"}
    assert page.details == {"via": "browser"} and page.user_agent == "Firefox 128"
    assert app.details == {"via": "app"}
    # An unknown name is logged nowhere.
    assert ActivityEvent.objects.count() == 3


def test_exports_are_logged_without_any_text(owner_client, owner, owner_api):
    EntryFactory(user=owner, content="My secret day by the sea.")
    b"".join(owner_client.get("/settings/export/json/").streaming_content)
    b"".join(owner_api.get("/api/v1/export/csv/").streaming_content)
    events = ActivityEvent.objects.filter(user=owner, kind=ActivityEvent.EXPORT).order_by("id")
    assert [event.details for event in events] == [{"format": "json"}, {"format": "csv"}]
    assert "secret day" not in str(list(ActivityEvent.objects.values()))


def test_email_consent_and_password_changes_are_logged(owner_client, owner):
    data = {"email": "new@example.com", "language": "en", "timezone": "UTC", "ai_can_read_entries": "on"}
    assert owner_client.post("/settings/", {**data, "current_password": PASSWORD}).status_code == 302
    owner_client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much newer passphrase",
            "new_password2": "a much newer passphrase",
        },
    )
    logged = kinds(owner)
    assert {"email_changed", "consent_changed", "password_changed"} <= set(logged)
    consent = ActivityEvent.objects.get(user=owner, kind=ActivityEvent.CONSENT_CHANGED)
    assert consent.details == {"ai_can_read_entries": True}


def test_admin_actions_on_an_account_are_logged_in_it(client, owner, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [owner.pk]},
    )
    assert response.status_code == 302
    event = ActivityEvent.objects.get(user=owner, kind=ActivityEvent.ADMIN_ACTION)
    assert event.details == {"action": "deactivate", "admin": "boss"}


def test_admin_edit_of_an_account_is_logged_with_the_fields(client, owner, admin_user):
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{owner.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"timezone": "Europe/Warsaw", "is_active": "on", "reminder_time": ""})
    data = {key: value for key, value in data.items() if value is not False}
    response = client.post(f"/admin/accounts/user/{owner.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    event = ActivityEvent.objects.get(user=owner, kind=ActivityEvent.ADMIN_ACTION)
    assert event.details["action"] == "change" and "timezone" in event.details["fields"]


# --- Reading it ------------------------------------------------------------------------------------------------


@pytest.fixture
def history(owner):
    start = timezone.now() - timedelta(hours=1)
    ActivityEvent.objects.bulk_create(
        ActivityEvent(user=owner, kind=ActivityEvent.SIGN_IN, created_at=start + timedelta(minutes=i), details={"n": i})
        for i in range(60)
    )


def test_the_page_lists_newest_first_with_older_pages(owner_client, owner, history):
    page = owner_client.get("/settings/activity/")
    assert page.status_code == 200
    events = page.context["events"]
    # Newest is the client's own sign-in, then the history.
    assert [e.details.get("n") for e in events] == [None, *range(59, 10, -1)]
    older = owner_client.get("/settings/activity/", {"before": page.context["cursor"]})
    assert [e.details["n"] for e in older.context["events"]] == list(range(10, -1, -1))
    assert older.context["cursor"] == ""
    # A bad cursor starts again from the newest rather than failing.
    assert owner_client.get("/settings/activity/", {"before": "nonsense_x"}).status_code == 200


def test_the_page_query_count_does_not_grow(owner_client, owner, history, django_assert_num_queries):
    owner_client.get("/settings/activity/")
    # 1 one page of the log (51 rows, to know if there is another page).
    with django_assert_num_queries(1):
        owner_client.get("/settings/activity/")


def test_the_api_pages_newest_first_by_cursor(owner_api, owner, history):
    first = owner_api.get(ACTIVITY, {"limit": 25}).json()
    assert [row["details"]["n"] for row in first["results"]] == list(range(59, 34, -1))
    assert set(first["results"][0]) == {"id", "kind", "label", "created_at", "place", "device", "details"}
    assert first["results"][0]["label"] == "Signed in"
    second = owner_api.get(first["next"]).json()
    assert [row["details"]["n"] for row in second["results"]] == list(range(34, 9, -1))
    assert owner_api.get(ACTIVITY, {"cursor": "forged"}).status_code == 404


def test_the_api_query_count_does_not_grow(owner_api, history, django_assert_num_queries):
    owner_api.get(ACTIVITY)
    # 1 one page of the log (the user comes from the cache).
    with django_assert_num_queries(1):
        assert owner_api.get(ACTIVITY).status_code == 200


def test_nobody_reads_another_users_log(owner, history, outsider_api, outsider):
    assert outsider_api.get(ACTIVITY).json()["results"] == []
    client = Client()
    client.force_login(outsider)
    assert all(event.user_id == outsider.pk for event in client.get("/settings/activity/").context["events"])


def test_the_log_speaks_polish(owner, history):
    owner.language = "pl"
    owner.save()
    client = Client()
    client.force_login(owner)
    assert "Zalogowano" in client.get("/settings/activity/").content.decode()


# --- Keeping it a year -----------------------------------------------------------------------------------------


def test_rows_older_than_a_year_are_deleted_in_batches(owner):
    now = timezone.now()
    ActivityEvent.objects.bulk_create(
        [ActivityEvent(user=owner, kind="sign_in", created_at=now - timedelta(days=366, minutes=i)) for i in range(25)]
        + [ActivityEvent(user=owner, kind="sign_in", created_at=now - timedelta(days=364))]
    )
    assert activity.activity_cleanup(batch_size=10) == 25
    assert activity.activity_cleanup(batch_size=10) == 0
    assert ActivityEvent.objects.count() == 1


def test_the_daily_task_runs_once_a_day(owner):
    old = timezone.now() - timedelta(days=400)
    ActivityEvent.objects.create(user=owner, kind="sign_in", created_at=old)
    assert tasks.cleanup_account_records() == {"activity_deleted": 1, "sign_ins_deleted": 0, "email_changes_deleted": 0}
    ActivityEvent.objects.create(user=owner, kind="sign_in", created_at=old)
    assert tasks.cleanup_account_records() is None  # claimed for today
    assert ActivityEvent.objects.count() == 1


def test_the_daily_task_is_scheduled(settings):
    assert any(entry["task"] == "accounts.cleanup_account_records" for entry in settings.CELERY_BEAT_SCHEDULE.values())


def test_the_log_is_deleted_with_the_account(owner):
    activity.activity_record(user_id=owner.pk, kind=ActivityEvent.SIGN_IN)
    UserFactory()  # someone else's account stays
    owner_id = owner.pk
    owner.delete()
    assert not ActivityEvent.objects.filter(user_id=owner_id).exists()
