"""Two-step sign-in through the API, with the rules of the pages: the password first (throttled), a code
from the new secret to turn it on, a code to turn it off, new recovery codes after the password."""

import pyotp
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts import twofactor
from accounts.models import TwoFactor
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
BASE = "/api/v1/me/two-factor/"


@pytest.fixture(autouse=True)
def _fresh_locks():
    cache.clear()


def _setup(api) -> dict:
    response = api.post(BASE + "setup/", {"password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_on_off_and_renew_through_the_api(owner_api, owner):
    assert owner_api.get(BASE).json() == {"enabled": False, "recovery_codes_left": 0}
    setup = _setup(owner_api)
    assert setup["uri"].startswith("otpauth://totp/") and not TwoFactor.objects.exists()  # nothing stored yet
    code = pyotp.TOTP(setup["secret"]).now()
    wrong = owner_api.post(BASE, {"password": PASSWORD, "setup_token": setup["setup_token"], "code": "12"},
                           format="json")
    assert wrong.status_code == 400 and "code" in wrong.json()
    on = owner_api.post(BASE, {"password": PASSWORD, "setup_token": setup["setup_token"], "code": code},
                        format="json")
    assert on.status_code == 201 and len(on.json()["recovery_codes"]) == 10
    assert owner_api.get(BASE).json() == {"enabled": True, "recovery_codes_left": 10}
    renewed = owner_api.post(BASE + "recovery-codes/", {"password": PASSWORD}, format="json").json()["recovery_codes"]
    assert not set(renewed) & set(on.json()["recovery_codes"])
    off = owner_api.delete(BASE, {"password": PASSWORD, "code": renewed[0]}, format="json")
    assert off.status_code == 204 and not TwoFactor.objects.exists()


def test_a_session_or_token_alone_cannot_turn_it_on(owner_api, owner):
    assert owner_api.post(BASE + "setup/", {"password": "guess"}, format="json").status_code == 400
    setup = _setup(owner_api)
    body = {"password": "guess", "setup_token": setup["setup_token"], "code": pyotp.TOTP(setup["secret"]).now()}
    assert owner_api.post(BASE, body, format="json").status_code == 400
    assert not TwoFactor.objects.exists()


def test_a_setup_token_is_the_users_own_and_cannot_be_forged(owner_api, owner, outsider):
    other = APIClient()
    other.force_authenticate(outsider)
    theirs = other.post(BASE + "setup/", {"password": PASSWORD}, format="json").json()
    body = {"password": PASSWORD, "setup_token": theirs["setup_token"], "code": pyotp.TOTP(theirs["secret"]).now()}
    assert owner_api.post(BASE, body, format="json").status_code == 400
    body["setup_token"] = "forged:token"
    assert owner_api.post(BASE, body, format="json").status_code == 400
    assert not TwoFactor.objects.exists()


def test_password_guesses_through_the_api_hit_the_sign_in_lock(owner_api, owner):
    for _ in range(5):
        owner_api.post(BASE + "setup/", {"password": "guess"}, format="json")
    response = owner_api.post(BASE + "setup/", {"password": PASSWORD}, format="json")
    assert response.status_code == 429


def test_turning_it_off_needs_a_right_code(owner_api, owner):
    twofactor.two_factor_enable(user=owner, secret=twofactor.secret_new())
    assert owner_api.delete(BASE, {"password": PASSWORD, "code": "000000"}, format="json").status_code == 400
    assert TwoFactor.objects.filter(user=owner).exists()
