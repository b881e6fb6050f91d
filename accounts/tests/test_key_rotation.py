"""SECRET_KEY rotation: with the old key in SECRET_KEY_FALLBACKS nobody is signed out."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework_simplejwt import state
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tests.conftest import bearer
from accounts.token_backend import FallbackKeysTokenBackend

pytestmark = pytest.mark.django_db

OLD_KEY = "old-key-" + "o" * 50
NEW_KEY = "new-key-" + "n" * 50


def signed_with(key: str, token) -> str:
    """The token as a client holding it since before the rotation has it."""
    return state.token_backend._with_key(key).encode(token.payload)


@pytest.fixture
def rotated(settings):
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    return settings


def test_the_installed_backend_verifies_with_fallbacks():
    assert isinstance(state.token_backend, FallbackKeysTokenBackend)


def test_access_token_signed_with_the_old_key_still_works(rotated, owner):
    old = signed_with(OLD_KEY, AccessToken.for_user(owner))
    assert bearer(old).get("/api/v1/me/").status_code == 200
    rotated.SECRET_KEY_FALLBACKS = []
    assert bearer(old).get("/api/v1/me/").status_code == 401


def test_a_token_signed_with_an_unknown_key_is_refused(rotated, owner):
    forged = signed_with("someone-else-" + "x" * 50, AccessToken.for_user(owner))
    assert bearer(forged).get("/api/v1/me/").status_code == 401


def test_refresh_token_signed_with_the_old_key_gets_a_pair_signed_with_the_current_one(rotated, owner, api_client):
    old = signed_with(OLD_KEY, RefreshToken.for_user(owner))
    response = api_client.post("/api/v1/auth/token/refresh/", {"refresh": old}, format="json")
    assert response.status_code == 200, response.content
    new_access = response.json()["access"]
    # The new token verifies with the current signing key alone.
    rotated.SECRET_KEY_FALLBACKS = []
    assert bearer(new_access).get("/api/v1/me/").status_code == 200


def test_session_signed_in_before_rotation_stays_signed_in(settings, client, owner):
    settings.SECRET_KEY = OLD_KEY
    client.force_login(owner)
    assert client.get("/diary/").status_code == 200
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    assert client.get("/diary/").status_code == 200


def test_without_the_fallback_a_rotation_signs_sessions_out(settings, client, owner):
    settings.SECRET_KEY = OLD_KEY
    client.force_login(owner)
    settings.SECRET_KEY = NEW_KEY
    response = client.get("/diary/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_password_reset_link_sent_before_rotation_still_works(settings, client, owner):
    settings.SECRET_KEY = OLD_KEY
    token = default_token_generator.make_token(owner)
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    response = client.get(f"/accounts/password/reset/{uid}/{token}/")
    # A valid link redirects to the form under the session's copy of the token.
    assert response.status_code == 302 and response["Location"].endswith("/set-password/")
    settings.SECRET_KEY_FALLBACKS = []
    assert default_token_generator.check_token(owner, token) is False


def test_fallbacks_come_from_the_environment(tmp_path):
    from journal_site.tests.test_settings import run_manage, settings_value

    env = {"SECRET_KEY": NEW_KEY, "SECRET_KEY_FALLBACKS": f"{OLD_KEY}, {'older-' + 'z' * 50}"}
    assert settings_value("settings.SECRET_KEY_FALLBACKS", env, tmp_path) == str([OLD_KEY, "older-" + "z" * 50])
    production = {**env, "DJANGO_ENV": "production", "ALLOWED_HOSTS": "example.com", "SECRET_KEY_FALLBACKS": "short"}
    result = run_manage("check", env=production, tmp_path=tmp_path)
    assert result.returncode != 0 and "SECRET_KEY_FALLBACKS" in result.stderr
