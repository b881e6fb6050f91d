"""register, token, refresh (rotation + blacklist), logout, and what the JWT layer refuses."""

from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.core import mail
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts import services
from accounts.models import User
from accounts.tests.conftest import bearer
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"


# --- register ---------------------------------------------------------------------------


def test_register_creates_the_account(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            REGISTER,
            {"username": "ola", "email": "Ola@Example.com", "password": "a quiet river at dawn"},
            format="json",
        )
    assert response.status_code == 201
    user = User.objects.get(username="ola")
    assert response.json() == {"id": user.pk, "username": "ola", "email": "ola@example.com"}
    assert user.check_password("a quiet river at dawn")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "body,field",
    [
        ({"username": "OWNER", "email": "x@example.com"}, "username"),
        ({"username": "fresh", "email": "OWNER@EXAMPLE.COM"}, "email"),
        ({"username": "fresh", "email": "not-an-email"}, "email"),
        ({"username": "has space", "email": "x@example.com"}, "username"),
        ({"username": "a@b", "email": "x@example.com"}, "username"),
    ],
)
def test_register_refuses_taken_or_bad_fields(api_client, owner, body, field):
    response = api_client.post(REGISTER, {**body, "password": "a quiet river at dawn"}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert User.objects.count() == 1


@pytest.mark.parametrize("password", ["12345678", "short", "password", "freshuser1"])
def test_register_refuses_weak_passwords(api_client, password):
    response = api_client.post(
        REGISTER, {"username": "freshuser", "email": "f@example.com", "password": password}, format="json"
    )
    assert response.status_code == 400 and "password" in response.json()
    assert not User.objects.exists()


def test_register_refuses_missing_fields(api_client):
    response = api_client.post(REGISTER, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "email", "password"}


@pytest.mark.parametrize("url", [REGISTER, TOKEN, REFRESH, LOGOUT])
def test_malformed_json_gets_400(api_client, url):
    response = api_client.post(url, '{"username": "x",', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_malformed_json_on_me_gets_400_and_changes_nothing(owner_api, owner):
    response = owner_api.patch(ME, "{not json", content_type="application/json")
    assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"


def test_register_needs_no_csrf_even_with_a_session(owner_client):
    from rest_framework.test import APIClient

    api = APIClient(enforce_csrf_checks=True)
    response = api.post(
        REGISTER, {"username": "csrfless", "email": "c@example.com", "password": "a quiet river at dawn"}, format="json"
    )
    assert response.status_code == 201


# --- token ------------------------------------------------------------------------------------


@pytest.mark.parametrize("identifier", ["owner", "Owner@Example.com"])
def test_token_pair_for_username_or_email(api_client, owner, identifier):
    response = api_client.post(TOKEN, {"username": identifier, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh"}
    access = AccessToken(body["access"])
    assert access["user_id"] == str(owner.pk)
    # simplejwt reads the clock twice (lifetime, then iat): a second may tick in between.
    assert access["exp"] - access["iat"] in (5 * 60 - 1, 5 * 60)
    refresh = RefreshToken(body["refresh"])
    assert refresh["exp"] - refresh["iat"] in (7 * 24 * 3600 - 1, 7 * 24 * 3600)
    owner.refresh_from_db()
    assert owner.last_login is not None


def test_token_with_bad_credentials_gets_401(api_client, owner):
    response = api_client.post(TOKEN, {"username": "owner", "password": "wrong"}, format="json")
    assert response.status_code == 401
    assert response.json()["detail"] and "WWW-Authenticate" in response


def test_token_for_inactive_user_gets_401(api_client):
    UserFactory(username="sleepy", is_active=False)
    response = api_client.post(TOKEN, {"username": "sleepy", "password": PASSWORD}, format="json")
    assert response.status_code == 401


# --- refresh ------------------------------------------------------------------------------------


def test_refresh_rotates_and_the_old_refresh_token_gets_401(api_client, tokens):
    first = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert first.status_code == 200
    assert set(first.json()) == {"access", "refresh"} and first.json()["refresh"] != tokens["refresh"]
    # The new one works, once.
    second = api_client.post(REFRESH, {"refresh": first.json()["refresh"]}, format="json")
    assert second.status_code == 200
    assert bearer(first.json()["access"]).get(ME).status_code == 200
    again = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert again.status_code == 401
    # Presenting a rotated token again ends the whole family (test_sign_ins.py has the replay in full).
    assert api_client.post(REFRESH, {"refresh": second.json()["refresh"]}, format="json").status_code == 401


def test_refresh_query_count(api_client, tokens, django_assert_num_queries):
    # 1 is it blacklisted?; 2 the user (signing in just cleared the user cache);
    # 3 the token's outstanding row; 4 its blacklist row (none yet); 5 insert the blacklist row;
    # 6 the new token's outstanding row; 7 the family's row takes the new token's id (accounts/devices.py).
    with django_assert_num_queries(7):
        assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json").status_code == 200


def test_logged_out_refresh_token_gets_401(api_client, tokens):
    response = api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 204
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json").status_code == 401
    assert api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json").status_code == 401


def test_logout_with_garbage_gets_401_and_without_token_400(api_client):
    assert api_client.post(LOGOUT, {"refresh": "not-a-token"}, format="json").status_code == 401
    assert api_client.post(LOGOUT, {}, format="json").status_code == 400


def test_deactivated_users_refresh_token_gets_401(api_client, owner, tokens):
    services.user_set_active(user_ids=[owner.pk], active=False)
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json").status_code == 401


def test_deactivated_in_admin_form_refresh_token_gets_401(api_client, owner, tokens):
    owner.is_active = False
    owner.save()  # as the admin's change form does
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json").status_code == 401
    assert bearer(tokens["access"]).get(ME).status_code == 401


def test_refresh_of_deleted_user_gets_401(api_client, owner, tokens):
    services.user_delete(user=owner)
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json").status_code == 401


def test_refresh_token_signed_with_another_key_gets_401(api_client, owner):
    token = RefreshToken.for_user(owner)
    forged = jwt.encode(dict(token.payload), "not-the-key-but-a-long-enough-one-for-hs256", algorithm="HS256")
    assert api_client.post(REFRESH, {"refresh": forged}, format="json").status_code == 401


# --- access tokens refused ------------------------------------------------------------------------


def test_expired_access_token_gets_401(owner):
    token = AccessToken.for_user(owner)
    token.set_exp(lifetime=-timedelta(seconds=1))
    response = bearer(str(token)).get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_alg_none_token_gets_401(owner):
    payload = dict(AccessToken.for_user(owner).payload)
    unsigned = jwt.encode(payload, key=None, algorithm="none")
    assert bearer(unsigned).get(ME).status_code == 401


def test_token_signed_with_another_key_gets_401(owner):
    payload = dict(AccessToken.for_user(owner).payload)
    assert (
        bearer(jwt.encode(payload, "a-guessed-key-that-is-long-enough-for-hs256", algorithm="HS256"))
        .get(ME)
        .status_code
        == 401
    )


def test_refresh_token_used_as_access_token_gets_401(tokens):
    response = bearer(tokens["refresh"]).get(ME)
    assert response.status_code == 401


def test_access_token_used_as_refresh_token_gets_401(api_client, tokens):
    assert api_client.post(REFRESH, {"refresh": tokens["access"]}, format="json").status_code == 401


def test_access_token_of_deleted_user_gets_401(owner, tokens):
    services.user_delete(user=owner)
    assert bearer(tokens["access"]).get(ME).status_code == 401


def test_access_token_of_deactivated_user_gets_401_on_the_next_request(owner, tokens):
    api = bearer(tokens["access"])
    assert api.get(ME).status_code == 200  # cached now
    services.user_set_active(user_ids=[owner.pk], active=False)
    assert api.get(ME).status_code == 401


def test_no_token_gets_401(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401


def test_tokens_are_signed_with_hs256_and_the_secret():
    assert settings.SIMPLE_JWT["ALGORITHM"] == "HS256"
    assert settings.SIMPLE_JWT["ROTATE_REFRESH_TOKENS"] and settings.SIMPLE_JWT["BLACKLIST_AFTER_ROTATION"]


def test_password_change_revokes_refresh_tokens(api_client, owner, tokens):
    services.user_set_password(user=owner, password="a brand new long secret")
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json").status_code == 401
    assert BlacklistedToken.objects.filter(token__user=owner).exists()


def test_register_race_on_the_unique_index_is_400(api_client, monkeypatch):
    """Another sign-up commits the same email between the serializer's check and the insert."""
    from accounts import api

    UserFactory(username="first", email="r@example.com")
    monkeypatch.setattr(api, "validate_email_available", lambda *args, **kwargs: None)
    response = api_client.post(
        REGISTER, {"username": "racer", "email": "r@example.com", "password": "a quiet river at dawn"}, format="json"
    )
    assert response.status_code == 400 and "username" in response.json()
    assert not User.objects.filter(username="racer").exists()


def test_token_issued_without_an_outstanding_row_is_still_rotated_once(api_client, owner):
    refresh = RefreshToken.for_user(owner)
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    OutstandingToken.objects.filter(jti=refresh["jti"]).delete()
    assert api_client.post(REFRESH, {"refresh": str(refresh)}, format="json").status_code == 200
    assert api_client.post(REFRESH, {"refresh": str(refresh)}, format="json").status_code == 401


def test_concurrent_rotation_loser_gets_no_pair(owner):
    refresh = RefreshToken.for_user(owner)
    services.refresh_token_rotate(refresh=refresh, user=owner)
    with pytest.raises(services.TokenAlreadyUsed):
        services.refresh_token_rotate(refresh=refresh, user=owner)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_refreshes_with_one_token_mint_one_pair():
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database locks whole tables across threads")
    owner = UserFactory(username="racer")
    refresh = RefreshToken.for_user(owner)
    barrier = threading.Barrier(2)
    outcomes = []

    def rotate():
        try:
            verified = RefreshToken(str(refresh))  # both pass the blacklist check first
            barrier.wait()
            services.refresh_token_rotate(refresh=verified, user=owner)
            outcomes.append("pair")
        except services.TokenAlreadyUsed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=rotate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["pair", "refused"]
