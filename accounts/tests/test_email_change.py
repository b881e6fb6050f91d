"""Email and consent changes need the current password; the old address is told and may undo the change once."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts import services, tasks
from accounts.models import EmailChange, User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
NEEDED = "Enter your current password to change your email address or let the companion read your entries."


def change_email(owner_api, django_capture_on_commit_callbacks, email="new@example.com") -> str:
    """Change the owner's email through the API; the undo link from the notice sent to the old address."""
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.patch(ME, {"email": email, "current_password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    (notice,) = [m for m in mail.outbox if m.to == ["owner@example.com"]]
    return re.search(r"http://testserver(/accounts/email/undo/[^/\s]+/)", notice.body).group(1)


# --- The password is asked -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{"email": "new@example.com"}, {"ai_can_read_entries": True}, {"email": "new@example.com", "language": "pl"}],
)
def test_api_refuses_email_or_consent_change_without_the_password(owner_api, owner, body):
    response = owner_api.patch(ME, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"current_password": [NEEDED]}
    owner.refresh_from_db()
    assert (owner.email, owner.ai_can_read_entries, owner.language) == ("owner@example.com", False, "en")
    assert not EmailChange.objects.exists() and mail.outbox == []


def test_api_refuses_a_wrong_password_and_changes_nothing(owner_api, owner):
    response = owner_api.patch(ME, {"email": "new@example.com", "current_password": "guess"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"current_password": ["The password is not right."]}
    assert User.objects.get(pk=owner.pk).email == "owner@example.com"


def test_wrong_passwords_count_toward_the_account_lock(owner_api, owner):
    for _ in range(5):
        assert (
            owner_api.patch(ME, {"ai_can_read_entries": True, "current_password": "x"}, format="json").status_code
            == 400
        )
    response = owner_api.patch(ME, {"ai_can_read_entries": True, "current_password": PASSWORD}, format="json")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert User.objects.get(pk=owner.pk).ai_can_read_entries is False


def test_turning_consent_off_and_other_fields_need_no_password(owner_api, owner):
    User.objects.filter(pk=owner.pk).update(ai_can_read_entries=True)
    owner.refresh_from_db()
    services.user_cache_invalidate(user_id=owner.pk)
    response = owner_api.patch(ME, {"ai_can_read_entries": False, "timezone": "Europe/Warsaw"}, format="json")
    assert response.status_code == 200
    # The same email again is no change.
    assert owner_api.patch(ME, {"email": "OWNER@example.com"}, format="json").status_code == 200


def test_settings_page_refuses_email_change_without_the_password(owner_client, owner):
    form = {"email": "new@example.com", "language": "en", "timezone": "UTC"}
    response = owner_client.post("/settings/", form)
    assert response.status_code == 400
    assert NEEDED in response.content.decode()
    response = owner_client.post("/settings/", {**form, "current_password": "guess"})
    assert response.status_code == 400 and "The password is not right." in response.content.decode()
    response = owner_client.post("/settings/", {**form, "ai_can_read_entries": "on", "email": "owner@example.com"})
    assert response.status_code == 400
    owner.refresh_from_db()
    assert (owner.email, owner.ai_can_read_entries) == ("owner@example.com", False)


def test_settings_page_changes_email_with_the_password_and_tells_the_old_address(
    owner_client, owner, django_capture_on_commit_callbacks
):
    form = {"email": "new@example.com", "language": "en", "timezone": "UTC", "current_password": PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.post("/settings/", form).status_code == 302
    assert User.objects.get(pk=owner.pk).email == "new@example.com"
    (notice,) = mail.outbox
    assert notice.to == ["owner@example.com"]
    assert "new@example.com" in notice.body and "/accounts/email/undo/" in notice.body


# --- The notice ------------------------------------------------------------------------------


def test_notice_is_queued_after_the_commit_and_sent_once(owner_api, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        owner_api.patch(ME, {"email": "new@example.com", "current_password": PASSWORD}, format="json")
    (notify,) = [c for c in callbacks if getattr(c, "func", None) == tasks.send_email_change_notice.delay]
    assert mail.outbox == []
    notify()
    notify()  # a retried task sends nothing twice
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.com"]
    assert mail.outbox[0].subject == "The email address of your Journal account was changed"


def test_the_old_address_is_kept_from_other_accounts_while_it_may_be_undone(
    owner_api, django_capture_on_commit_callbacks
):
    change_email(owner_api, django_capture_on_commit_callbacks)
    body = {"username": "squatter", "email": "owner@example.com", "password": PASSWORD}
    response = APIClient().post("/api/v1/auth/register/", body, format="json")
    assert response.status_code == 400 and "email" in response.json()
    # A week later it is free again.
    EmailChange.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert APIClient().post("/api/v1/auth/register/", body, format="json").status_code == 201


# --- The undo link --------------------------------------------------------------------------


def test_undo_link_asks_then_restores_the_old_email_and_signs_out_everything(
    owner, owner_api, django_capture_on_commit_callbacks
):
    link = change_email(owner_api, django_capture_on_commit_callbacks)
    elsewhere = Client()
    elsewhere.force_login(User.objects.get(pk=owner.pk))
    tokens = APIClient().post("/api/v1/auth/token/", {"username": "owner", "password": PASSWORD}, format="json")
    refresh = tokens.json()["refresh"]

    page = Client()
    response = page.get(link)  # mail scanners open links: a GET changes nothing
    assert response.status_code == 200 and "owner@example.com" in response.content.decode()
    assert User.objects.get(pk=owner.pk).email == "new@example.com"

    response = page.post(link)
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"
    assert not owner.check_password(PASSWORD)  # whoever changed the email may know the password
    assert elsewhere.get("/settings/").status_code == 302  # signed out
    assert APIClient().post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json").status_code == 401
    assert not OutstandingToken.objects.filter(user=owner, blacklistedtoken__isnull=True).exists()
    # The owner gets back in through a reset to the address they got back.
    with django_capture_on_commit_callbacks(execute=True):
        page.post("/accounts/password/reset/", {"email": "owner@example.com"})
    assert mail.outbox[-1].to == ["owner@example.com"] and "/accounts/password/reset/" in mail.outbox[-1].body


def test_undo_link_works_once(owner, owner_api, django_capture_on_commit_callbacks):
    link = change_email(owner_api, django_capture_on_commit_callbacks)
    assert Client().post(link).status_code == 200
    User.objects.filter(pk=owner.pk).update(email="again@example.com")
    for method in ("get", "post"):
        response = getattr(Client(), method)(link)
        assert response.status_code == 400 and "This link is not valid" in response.content.decode()
    assert User.objects.get(pk=owner.pk).email == "again@example.com"


def test_undo_link_expires_after_a_week(owner, owner_api, django_capture_on_commit_callbacks, monkeypatch):
    link = change_email(owner_api, django_capture_on_commit_callbacks)
    later = timezone.now().timestamp() + 7 * 24 * 3600 + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert Client().post(link).status_code == 400
    assert User.objects.get(pk=owner.pk).email == "new@example.com"


@pytest.mark.parametrize(
    "token",
    [
        "eyJjaGFuZ2UiOjF9:1tFAKE:forged-signature",
        "not-a-token",
        "x" * 300,
    ],
)
def test_forged_undo_links_answer_400_and_change_nothing(owner, owner_api, django_capture_on_commit_callbacks, token):
    change_email(owner_api, django_capture_on_commit_callbacks)
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/accounts/email/undo/{token}/")
        assert response.status_code == 400
    assert User.objects.get(pk=owner.pk).email == "new@example.com"


def test_a_link_signed_for_another_purpose_is_refused(owner, owner_api, django_capture_on_commit_callbacks):
    from django.core import signing

    change_email(owner_api, django_capture_on_commit_callbacks)
    change = EmailChange.objects.get()
    other = signing.dumps({"change": change.pk})  # the right id, the wrong salt
    assert Client().post(f"/accounts/email/undo/{other}/").status_code == 400
    assert User.objects.get(pk=owner.pk).email == "new@example.com"


def test_one_users_link_never_touches_another_account(owner, outsider, owner_api, django_capture_on_commit_callbacks):
    link = change_email(owner_api, django_capture_on_commit_callbacks)
    before = User.objects.filter(pk=outsider.pk).values().get()
    assert Client().post(link).status_code == 200
    assert User.objects.filter(pk=outsider.pk).values().get() == before


# --- The admin -------------------------------------------------------------------------------


def test_admin_cannot_change_email_or_consent(admin_client, owner):
    response = admin_client.post(
        f"/admin/accounts/user/{owner.pk}/change/",
        {
            "username": "owner",
            "email": "taken-over@example.com",
            "ai_can_read_entries": "on",
            "is_active": "on",
            "language": "en",
            "timezone": "UTC",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.email, owner.ai_can_read_entries) == ("owner@example.com", False)
    page = admin_client.get(f"/admin/accounts/user/{owner.pk}/change/").content.decode()
    assert 'name="email"' not in page and 'name="ai_can_read_entries"' not in page


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="boss", email="boss@example.com", is_admin=True))
    return client
