"""Two-step sign-in: setting it up, signing in with a code on the page and the API, recovery codes, turning it off."""

import re
import time

import pyotp
import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts import twofactor
from accounts.models import ActivityEvent, RecoveryCode, TwoFactor
from accounts.tests.factories import PASSWORD, UserFactory
from journal_site.testing import run_at_once

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGIN, CODE = "/accounts/login/", "/accounts/login/code/"


def code_at(secret: str, steps_ahead: int = 0) -> str:
    """A valid code; `steps_ahead` 1 is the next 30-second step, still accepted for clock drift."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


@pytest.fixture
def secret(owner) -> str:
    value = twofactor.secret_new()
    twofactor.two_factor_enable(user=owner, secret=value)
    return value


@pytest.fixture
def recovery_codes(owner, secret) -> list[str]:
    return twofactor.two_factor_enable(user=owner, secret=secret)


# --- Setting up --------------------------------------------------------------------------------------------


def test_setup_shows_a_qr_code_and_turns_on_only_with_a_right_code(owner_client, owner):
    page = owner_client.get("/settings/two-factor/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in text and "otpauth://totp/Journal:owner?secret=" in text
    secret = owner_client.session["_two_factor_setup"]
    # The key shown stays the same on a reload, until it is confirmed.
    assert owner_client.get("/settings/two-factor/") and owner_client.session["_two_factor_setup"] == secret

    wrong_code = "000000" if code_at(secret) != "000000" else "111111"
    wrong = owner_client.post("/settings/two-factor/", {"password": PASSWORD, "code": wrong_code})
    assert wrong.status_code == 400 and b"The code is not right" in wrong.content
    assert not TwoFactor.objects.exists()
    # A session alone is not enough: the password is asked first.
    no_password = owner_client.post("/settings/two-factor/", {"code": code_at(secret)})
    assert no_password.status_code == 400 and not TwoFactor.objects.exists()
    wrong_password = owner_client.post("/settings/two-factor/", {"password": "not it", "code": code_at(secret)})
    assert wrong_password.status_code == 400 and b"The password is not right" in wrong_password.content
    assert not TwoFactor.objects.exists()

    done = owner_client.post("/settings/two-factor/", {"password": PASSWORD, "code": code_at(secret),
                                                       "sign_out_others": "on"})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TwoFactor.objects.get(user=owner).secret == secret
    # Kept hashed: no code is stored as it was shown.
    stored = set(RecoveryCode.objects.filter(user=owner).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)
    assert ActivityEvent.objects.filter(user=owner, kind=ActivityEvent.TWO_FACTOR_ENABLED).exists()
    # The confirming code is spent: it cannot also sign in.
    body = {"username": "owner", "password": PASSWORD, "otp": code_at(secret)}
    assert APIClient().post(TOKEN, body, format="json").status_code == 400
    # Shown once: the page now says it is on, with no codes.
    again = owner_client.get("/settings/two-factor/").content.decode()
    assert "Two-step sign-in is on." in again and codes[0] not in again


def test_the_qr_code_needs_no_script_and_no_other_origin(owner_client):
    response = owner_client.get("/settings/two-factor/")
    assert b"<script" not in response.content.split(b"</main>")[0].split(b"<main")[1]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


# --- Signing in on the page ----------------------------------------------------------------------------------


def test_the_password_alone_does_not_sign_in_on_the_page(client, owner, secret):
    response = client.post(LOGIN + "?next=/settings/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == CODE
    assert SESSION_KEY not in client.session
    assert client.get("/settings/")["Location"].startswith(LOGIN)
    # The second step: the code signs in and goes where the first step was asked to.
    response = client.post(CODE, {"code": code_at(secret)})
    assert response.status_code == 302 and response["Location"] == "/settings/"
    assert int(client.session[SESSION_KEY]) == owner.pk


def test_a_code_works_once(client, owner, secret):
    code = code_at(secret)
    client.post(LOGIN, {"username": "owner", "password": PASSWORD})
    assert client.post(CODE, {"code": code}).status_code == 302
    other = Client()
    other.post(LOGIN, {"username": "owner", "password": PASSWORD})
    response = other.post(CODE, {"code": code})
    assert response.status_code == 400 and SESSION_KEY not in other.session
    # The next step's code is still good.
    assert other.post(CODE, {"code": code_at(secret, 1)}).status_code == 302


def test_wrong_codes_are_throttled_and_logged(client, owner, secret):
    client.post(LOGIN, {"username": "owner", "password": PASSWORD})
    wrong = "000000" if code_at(secret) != "000000" else "111111"
    for _ in range(twofactor.CODE_RULE.limit):
        assert client.post(CODE, {"code": wrong}).status_code == 400
    response = client.post(CODE, {"code": code_at(secret)})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert SESSION_KEY not in client.session
    failed = ActivityEvent.objects.filter(user=owner, kind=ActivityEvent.SIGN_IN_FAILED, details__step="code")
    assert failed.count() == twofactor.CODE_RULE.limit


def test_the_code_step_without_a_password_step_sends_back_to_sign_in(client, owner, secret):
    response = client.post(CODE, {"code": code_at(secret)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert SESSION_KEY not in client.session


def test_the_code_step_expires(client, owner, secret, monkeypatch):
    client.post(LOGIN, {"username": "owner", "password": PASSWORD})
    now = time.time()
    monkeypatch.setattr(twofactor.time, "time", lambda: now + twofactor.PENDING_SECONDS + 1)
    assert client.post(CODE, {"code": code_at(secret)})["Location"] == LOGIN
    assert SESSION_KEY not in client.session


def test_a_recovery_code_signs_in_once(client, owner, recovery_codes):
    client.post(LOGIN, {"username": "owner", "password": PASSWORD})
    assert client.post(CODE, {"code": recovery_codes[0].upper()}).status_code == 302
    other = Client()
    other.post(LOGIN, {"username": "owner", "password": PASSWORD})
    reused = other.post(CODE, {"code": recovery_codes[0]})
    assert reused.status_code == 400 and SESSION_KEY not in other.session
    assert ActivityEvent.objects.get(user=owner, kind=ActivityEvent.RECOVERY_CODE_USED).details == {"left": 9}


def test_the_admin_sign_in_refuses_an_account_with_two_step_sign_in(client, admin_user):
    twofactor.two_factor_enable(user=admin_user, secret=twofactor.secret_new())
    response = client.post("/admin/login/", {"username": "boss", "password": PASSWORD})
    assert response.status_code == 200 and SESSION_KEY not in client.session
    assert b"two-step sign-in" in response.content


# --- The API token endpoint ------------------------------------------------------------------------------------


def test_the_api_asks_for_the_code(owner, secret):
    api = APIClient()
    missing = api.post(TOKEN, {"username": "owner", "password": PASSWORD}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["otp"]
    wrong = api.post(TOKEN, {"username": "owner", "password": PASSWORD, "otp": "12345"}, format="json")
    assert wrong.status_code == 400 and list(wrong.json()) == ["otp"]
    right = api.post(TOKEN, {"username": "owner", "password": PASSWORD, "otp": code_at(secret)}, format="json")
    assert right.status_code == 200 and set(right.json()) == {"access", "refresh"}
    reused = api.post(TOKEN, {"username": "owner", "password": PASSWORD, "otp": code_at(secret)}, format="json")
    assert reused.status_code == 400


def test_the_api_never_says_a_code_is_needed_before_the_password_is_right(owner, secret):
    response = APIClient().post(TOKEN, {"username": "owner", "password": "wrong"}, format="json")
    assert response.status_code == 401 and "otp" not in response.json()


def test_the_api_takes_a_recovery_code_once(owner, recovery_codes):
    api = APIClient()
    body = {"username": "owner", "password": PASSWORD, "otp": recovery_codes[3]}
    assert api.post(TOKEN, body, format="json").status_code == 200
    assert api.post(TOKEN, body, format="json").status_code == 400


def test_the_api_throttles_wrong_codes(owner, secret):
    api = APIClient()
    for _ in range(twofactor.CODE_RULE.limit):
        api.post(TOKEN, {"username": "owner", "password": PASSWORD, "otp": "999999x"}, format="json")
    response = api.post(TOKEN, {"username": "owner", "password": PASSWORD, "otp": code_at(secret)}, format="json")
    assert response.status_code == 429 and "Retry-After" in response


def test_accounts_without_two_step_sign_in_need_no_code(owner):
    assert APIClient().post(TOKEN, {"username": "owner", "password": PASSWORD}, format="json").status_code == 200


# --- Turning it off ---------------------------------------------------------------------------------------------


def test_turning_off_needs_the_password_and_a_code(owner_client, owner, secret):
    page = owner_client.get("/settings/two-factor/")
    assert b"Turn two-step sign-in off" in page.content
    no_password = owner_client.post("/settings/two-factor/disable/", {"password": "nope", "code": code_at(secret)})
    assert no_password.status_code == 400 and TwoFactor.objects.filter(user=owner).exists()
    no_code = owner_client.post("/settings/two-factor/disable/", {"password": PASSWORD, "code": "000000x"})
    assert no_code.status_code == 400 and TwoFactor.objects.filter(user=owner).exists()
    done = owner_client.post("/settings/two-factor/disable/", {"password": PASSWORD, "code": code_at(secret)})
    assert done.status_code == 302
    assert not TwoFactor.objects.filter(user=owner).exists() and not RecoveryCode.objects.filter(user=owner).exists()
    assert ActivityEvent.objects.filter(user=owner, kind=ActivityEvent.TWO_FACTOR_DISABLED).exists()
    assert APIClient().post(TOKEN, {"username": "owner", "password": PASSWORD}, format="json").status_code == 200


def test_one_users_codes_do_not_open_another_account(owner, outsider, secret):
    twofactor.two_factor_enable(user=outsider, secret=twofactor.secret_new())
    body = {"username": "outsider", "password": PASSWORD, "otp": code_at(secret)}
    assert APIClient().post(TOKEN, body, format="json").status_code == 400


# --- Races ----------------------------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor == "sqlite", reason="real concurrency on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_one_code_sent_twice_at_the_same_moment_signs_in_once():
    user = UserFactory(username="racer")
    secret = twofactor.secret_new()
    codes = twofactor.two_factor_enable(user=user, secret=secret)
    code = code_at(secret)
    assert sorted(run_at_once(lambda: twofactor.code_verify(user=user, code=code), times=4)) == [False] * 3 + [True]
    assert sorted(run_at_once(lambda: twofactor.code_verify(user=user, code=codes[0]), times=4)) == [False] * 3 + [True]


def test_turning_it_on_signs_out_every_other_device_unless_asked_not_to(owner_client, owner):
    from django.test import Client
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from accounts.models import User

    elsewhere = Client()
    elsewhere.force_login(User.objects.get(pk=owner.pk))
    tokens = APIClient().post("/api/v1/auth/token/", {"username": "owner", "password": PASSWORD}, format="json")
    owner_client.get("/settings/two-factor/")
    secret = owner_client.session["_two_factor_setup"]
    owner_client.post("/settings/two-factor/", {"password": PASSWORD, "code": code_at(secret),
                                                "sign_out_others": "on"})
    assert TwoFactor.objects.filter(user=owner).exists()
    assert owner_client.get("/settings/").status_code == 200  # this browser stays
    assert elsewhere.get("/settings/").status_code == 302  # the other one is out
    refresh = tokens.json()["refresh"]
    assert APIClient().post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json").status_code == 401
    assert not OutstandingToken.objects.filter(user=owner, blacklistedtoken__isnull=True).exists()


def test_the_others_may_stay_signed_in_when_the_box_is_cleared(owner_client, owner):
    from django.test import Client

    from accounts.models import User

    elsewhere = Client()
    elsewhere.force_login(User.objects.get(pk=owner.pk))
    owner_client.get("/settings/two-factor/")
    secret = owner_client.session["_two_factor_setup"]
    owner_client.post("/settings/two-factor/", {"password": PASSWORD, "code": code_at(secret)})
    assert TwoFactor.objects.filter(user=owner).exists()
    assert elsewhere.get("/settings/").status_code == 200


def test_recovery_codes_can_be_renewed_and_the_old_ones_stop_working(owner_client, owner):
    old = twofactor.two_factor_enable(user=owner, secret=twofactor.secret_new())
    refused = owner_client.post("/settings/two-factor/recovery-codes/", {"renew-password": "not it"})
    assert refused.status_code == 400 and b"The password is not right" in refused.content
    done = owner_client.post("/settings/two-factor/recovery-codes/", {"renew-password": PASSWORD})
    assert done.status_code == 200
    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert not twofactor.code_verify(user=owner, code=old[0])
    assert twofactor.code_verify(user=owner, code=new[0])


def test_the_page_warns_when_three_or_fewer_codes_are_left(owner_client, owner):
    codes = twofactor.two_factor_enable(user=owner, secret=twofactor.secret_new())
    assert b"Few recovery codes are left" not in owner_client.get("/settings/two-factor/").content
    for code in codes[:6]:
        assert twofactor.code_verify(user=owner, code=code)
    assert b"Few recovery codes are left" not in owner_client.get("/settings/two-factor/").content  # 4 left
    assert twofactor.code_verify(user=owner, code=codes[6])
    page = owner_client.get("/settings/two-factor/").content.decode()
    assert "Few recovery codes are left" in page and "You have 3 unused recovery codes." in page
