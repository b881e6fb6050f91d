"""Every check of the signed-in user's password counts toward the sign-in locks: five wrong guesses
lock the account, and then even the right password is refused, on every route that asks for it
(docs/account-security.md)."""

import pytest
from django.core.cache import cache

from accounts import twofactor
from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"


@pytest.fixture(autouse=True)
def _fresh_locks():
    cache.clear()
    yield
    cache.clear()


def _password_change(client, password):
    return client.post("/accounts/password/change/", {
        "old_password": password, "new_password1": "Another long passphrase 9",
        "new_password2": "Another long passphrase 9"})


def _delete_page(client, password):
    return client.post("/settings/delete/", {"password": password})


def _two_factor_off(client, password):
    return client.post("/settings/two-factor/disable/", {"password": password, "code": "000000"})


@pytest.mark.parametrize("attempt", [_password_change, _delete_page, _two_factor_off])
def test_eight_wrong_then_the_right_password_is_refused_on_each_page(owner_client, owner, attempt):
    if attempt is _two_factor_off:
        twofactor.two_factor_enable(user=owner, secret=twofactor.secret_new())
    for _ in range(8):
        attempt(owner_client, WRONG)
    response = attempt(owner_client, PASSWORD)
    assert "Too many failed attempts" in response.content.decode()
    user = User.objects.get(pk=owner.pk)
    assert user.check_password(PASSWORD)  # unchanged, not deleted
    assert twofactor.is_enabled(user) is (attempt is _two_factor_off)


def test_the_api_deletion_is_throttled_too(owner_api, owner):
    for _ in range(5):
        assert owner_api.delete("/api/v1/me/", {"password": WRONG}, format="json").status_code == 400
    response = owner_api.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 429 and "Retry-After" in response
    assert User.objects.filter(pk=owner.pk).exists()


def test_a_lock_from_sign_in_guesses_also_holds_for_the_password_change(owner_client, owner):
    from django.test import Client

    stranger = Client()
    for _ in range(5):
        stranger.post("/accounts/login/", {"username": "owner", "password": WRONG})
    response = _password_change(owner_client, PASSWORD)
    assert "Too many failed attempts" in response.content.decode()
    assert User.objects.get(pk=owner.pk).check_password(PASSWORD)


def test_a_reset_for_an_unknown_address_queues_the_same_work(owner, monkeypatch):
    from django.test import Client

    from accounts import services

    queued = []
    monkeypatch.setattr(services.outbox, "enqueue", lambda task, **kwargs: queued.append((task.name, kwargs)))
    Client(REMOTE_ADDR="10.1.1.1").post("/accounts/password/reset/", {"email": "owner@example.com"})
    Client(REMOTE_ADDR="10.1.1.2").post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert [name for name, _kwargs in queued] == ["accounts.send_password_reset_email"] * 2
    assert queued[1][1]["kwargs"]["user_id"] == services.NO_USER
