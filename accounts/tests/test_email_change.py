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


def confirm_link(address: str) -> str:
    """The confirmation link last sent to `address`."""
    (mail_,) = [m for m in mail.outbox if m.to == [address] and "/accounts/email/confirm/" in m.body][-1:]
    return re.search(r"http://testserver(/accounts/email/confirm/[^/\s]+/)", mail_.body).group(1)


def change_email(owner_api, django_capture_on_commit_callbacks, email="new@example.com") -> str:
    """Change the owner's email through the API and confirm it from the new address; the undo link from
    the notice sent to the old address."""
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.patch(ME, {"email": email, "current_password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    assert Client().post(confirm_link(email)).status_code == 200
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
    # Not yet: the new address confirms it first, and the old one is told at once.
    assert User.objects.get(pk=owner.pk).email == "owner@example.com"
    (notice,) = [m for m in mail.outbox if m.to == ["owner@example.com"]]
    assert "new@example.com" in notice.body and "/accounts/email/undo/" in notice.body
    link = confirm_link("new@example.com")
    page = Client().get(link)  # mail scanners open links: a GET changes nothing
    assert page.status_code == 200 and User.objects.get(pk=owner.pk).email == "owner@example.com"
    assert Client().post(link).status_code == 200
    assert User.objects.get(pk=owner.pk).email == "new@example.com"
    assert Client().post(link).status_code == 400  # once


# --- The notice ------------------------------------------------------------------------------


def test_notice_is_queued_after_the_commit_and_sent_once(owner_api, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        owner_api.patch(ME, {"email": "new@example.com", "current_password": PASSWORD}, format="json")
    (notify,) = [c for c in callbacks if getattr(c, "func", None) == tasks.send_email_change_notice.delay]
    assert mail.outbox == []
    notify()
    notify()  # a retried task sends nothing twice
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.com"]
    assert mail.outbox[0].subject == "A change of the email address of your Journal account"


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

    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(link)
    # Secured: on to choosing a new password, in the same flow.
    assert response.status_code == 302 and response["Location"].startswith("/accounts/password/reset/")
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"
    assert not owner.check_password(PASSWORD)  # whoever changed the email may know the password
    assert elsewhere.get("/settings/").status_code == 302  # signed out
    assert APIClient().post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json").status_code == 401
    assert not OutstandingToken.objects.filter(user=owner, blacklistedtoken__isnull=True).exists()
    secured = mail.outbox[-1]
    assert secured.to == ["owner@example.com"] and "Every device and app was signed out." in secured.body
    page_to_set = page.get(response["Location"], follow=True)
    assert page_to_set.status_code == 200 and "again, and every device and app was signed out" in (
        page_to_set.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        done = page.post(page_to_set.redirect_chain[-1][0] if page_to_set.redirect_chain else response["Location"],
                         {"new_password1": "A new long passphrase 7", "new_password2": "A new long passphrase 7"})
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("A new long passphrase 7")
    assert mail.outbox[-1].to == ["owner@example.com"] and "password" in mail.outbox[-1].subject.lower()


def test_undo_link_works_once(owner, owner_api, django_capture_on_commit_callbacks):
    link = change_email(owner_api, django_capture_on_commit_callbacks)
    assert Client().post(link).status_code == 302
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
    assert Client().post(link).status_code == 302
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


# --- The owner's undo always wins (docs/account-security.md) ----------------------------------------


def _links_to(address: str) -> list[str]:
    return [re.search(r"http://testserver(/accounts/email/undo/[^/\s]+/)", m.body).group(1)
            for m in mail.outbox if m.to == [address] and "/accounts/email/undo/" in m.body]


def _change(client, address, captured):
    """The attacker, who knows the password, changes the address and confirms it from their own mailbox."""
    with captured(execute=True):
        response = client.patch(ME, {"email": address, "current_password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    assert Client().post(confirm_link(address)).status_code == 200


def test_an_attackers_later_undo_link_cannot_take_the_account_back(owner, owner_api,
                                                                   django_capture_on_commit_callbacks):
    _change(owner_api, "evil1@example.com", django_capture_on_commit_callbacks)
    _change(owner_api, "evil2@example.com", django_capture_on_commit_callbacks)
    (owners_link,) = _links_to("owner@example.com")
    (attackers_link,) = _links_to("evil1@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(owners_link).status_code == 302
    assert User.objects.get(pk=owner.pk).email == "owner@example.com"
    # The later change's link died with the owner's undo.
    response = Client().post(attackers_link)
    assert response.status_code == 400 and User.objects.get(pk=owner.pk).email == "owner@example.com"
    # And a reset to the attacker's addresses reaches nobody.
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": "evil1@example.com"})
    assert not [m for m in mail.outbox if m.to == ["evil1@example.com"] and "/password/reset/" in m.body]


def test_the_owners_link_still_wins_after_the_attacker_undid_their_own_change(owner, owner_api,
                                                                              django_capture_on_commit_callbacks):
    _change(owner_api, "evil1@example.com", django_capture_on_commit_callbacks)
    _change(owner_api, "evil2@example.com", django_capture_on_commit_callbacks)
    (owners_link,) = _links_to("owner@example.com")
    (attackers_link,) = _links_to("evil1@example.com")
    assert Client().post(attackers_link).status_code == 302  # back to evil1: the owner's change is still open
    assert User.objects.get(pk=owner.pk).email == "evil1@example.com"
    assert Client().post(owners_link).status_code == 302
    assert User.objects.get(pk=owner.pk).email == "owner@example.com"


def test_an_undo_link_does_nothing_once_the_account_moved_on_another_way(owner, owner_api,
                                                                        django_capture_on_commit_callbacks):
    link = change_email(owner_api, django_capture_on_commit_callbacks)
    User.objects.filter(pk=owner.pk).update(email="admin-set@example.com")  # an admin, say
    assert Client().post(link).status_code == 400
    assert User.objects.get(pk=owner.pk).email == "admin-set@example.com"


def test_securing_the_account_turns_off_two_step_sign_in_added_since_the_change(
    owner, owner_api, django_capture_on_commit_callbacks
):
    from accounts import twofactor
    from accounts.models import ActivityEvent, RecoveryCode, TwoFactor

    link = change_email(owner_api, django_capture_on_commit_callbacks)
    twofactor.two_factor_enable(user=owner, secret=twofactor.secret_new())  # the attacker's authenticator
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(link)
    assert not TwoFactor.objects.filter(user=owner).exists() and not RecoveryCode.objects.filter(user=owner).exists()
    assert "Two-step sign-in that was turned on after the address was changed is off" in mail.outbox[-1].body
    kinds = list(ActivityEvent.objects.filter(user=owner).order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == [ActivityEvent.TWO_FACTOR_DISABLED, ActivityEvent.EMAIL_CHANGED]


def test_two_step_sign_in_from_before_the_change_stays(owner, owner_api, django_capture_on_commit_callbacks):
    from datetime import timedelta as days

    from accounts import twofactor
    from accounts.models import TwoFactor

    twofactor.two_factor_enable(user=owner, secret=twofactor.secret_new())
    TwoFactor.objects.filter(user=owner).update(created_at=timezone.now() - days(days=30))  # the owner's own
    link = change_email(owner_api, django_capture_on_commit_callbacks)
    Client().post(link)
    assert TwoFactor.objects.filter(user=owner).exists()


def test_a_reset_on_an_account_with_two_step_sign_in_asks_for_a_code(owner, django_capture_on_commit_callbacks):
    from accounts import twofactor

    secret = twofactor.secret_new()
    codes = twofactor.two_factor_enable(user=owner, secret=secret)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": "owner@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    page = Client()
    form_page = page.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    assert 'name="code"' in form_page.content.decode()
    new = {"new_password1": "A new long passphrase 7", "new_password2": "A new long passphrase 7"}
    refused = page.post(set_url, {**new, "code": "000000"})
    assert refused.status_code == 200 and "The code is not right" in refused.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # the mailbox alone changed nothing
    assert page.post(set_url, {**new, "code": codes[0]}).status_code == 302  # a recovery code will do
    owner.refresh_from_db()
    assert owner.check_password("A new long passphrase 7")


def test_email_changes_are_deleted_30_days_after_they_settle(owner):
    from accounts import services

    now = timezone.now()
    rows = {
        "undone long ago": EmailChange.objects.create(user=owner, old_email="a@x.com", new_email="b@x.com",
                                                      undone_at=now - timedelta(days=31)),
        "undone lately": EmailChange.objects.create(user=owner, old_email="c@x.com", new_email="d@x.com",
                                                    undone_at=now - timedelta(days=29)),
        "window closed long ago": EmailChange.objects.create(user=owner, old_email="e@x.com", new_email="f@x.com"),
        "still undoable": EmailChange.objects.create(user=owner, old_email="g@x.com", new_email="h@x.com"),
    }
    EmailChange.objects.filter(pk=rows["undone long ago"].pk).update(created_at=now - timedelta(days=40))
    EmailChange.objects.filter(pk=rows["window closed long ago"].pk).update(created_at=now - timedelta(days=38))
    assert services.email_changes_cleanup(batch_size=1) == 2
    left = set(EmailChange.objects.values_list("old_email", flat=True))
    assert left == {"c@x.com", "g@x.com"}


def test_a_typo_never_takes_the_account_and_a_newer_request_replaces_it(owner, owner_api,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.patch(ME, {"email": "typo@exmaple.com", "current_password": PASSWORD}, format="json")
    typo_link = confirm_link("typo@exmaple.com")
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.patch(ME, {"email": "right@example.com", "current_password": PASSWORD}, format="json")
    assert User.objects.get(pk=owner.pk).email == "owner@example.com"
    # A reset still goes to the address the account has.
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": "owner@example.com"})
    assert mail.outbox[-1].to == ["owner@example.com"]
    assert Client().post(typo_link).status_code == 400  # replaced by the newer request
    assert Client().post(confirm_link("right@example.com")).status_code == 200
    assert User.objects.get(pk=owner.pk).email == "right@example.com"


def test_the_old_address_can_secure_the_account_before_the_change_is_confirmed(
    owner, owner_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.patch(ME, {"email": "evil@example.com", "current_password": PASSWORD}, format="json")
    (owners_link,) = _links_to("owner@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(owners_link).status_code == 302
    assert Client().post(confirm_link("evil@example.com")).status_code == 400  # the request died with it
    user = User.objects.get(pk=owner.pk)
    assert user.email == "owner@example.com" and not user.check_password(PASSWORD)
