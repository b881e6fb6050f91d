"""Account integrity as classes: every name that registers signs in; sensitive changes need the password."""

import random
import unicodedata

import pytest
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import usernames
from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _characters() -> list[str]:
    """A spread of code points: every script's letters and marks, digits, symbols, formats, fillers."""
    rng = random.Random(14)
    picked = [chr(c) for c in rng.sample(range(0x20, 0x30000), 6000)]
    picked += list("İıΣσςßẞǅﬁ\u3164\u115f\u200b\u200d\u202e\u00ad\u0301\uff21\uff41._+-@ ")
    return [c for c in picked if unicodedata.category(c) != "Cs"]


def _names(count: int) -> list[str]:
    rng = random.Random(1464)
    chars = _characters()
    return ["".join(rng.choice(chars) for _ in range(rng.randint(1, 6))) for _ in range(count)]


@pytest.mark.slow
def test_every_name_that_registers_signs_in_by_the_same_text_and_its_case_variants():
    """A name the rules accept is found again by sign-in: typed as registered, upper, lower or case-folded."""
    accepted = 0
    for n, name in enumerate(_names(200)):
        body = {"username": name, "email": f"u{n}@example.com", "password": PASSWORD}
        response = APIClient().post(
            "/api/v1/auth/register/", body, format="json", REMOTE_ADDR=f"10.7.{n // 250}.{n % 250}"
        )
        if response.status_code != 201:
            assert response.status_code == 400, (name, response.content)
            continue
        accepted += 1
        stored = User.objects.get(pk=response.json()["id"])
        assert stored.username == unicodedata.normalize("NFKC", stored.username)
        assert usernames.problem(stored.username) is None
        for typed in {name, name.upper(), name.lower(), name.casefold()}:
            if usernames.problem(usernames.normalize(typed)) is not None and typed != name:
                continue  # a case variant that is not itself a valid name (ǅ -> Ǆ is fine; some expand oddly)
            found = User.objects.filter(username_key=usernames.key(typed)).values_list("pk", flat=True).first()
            assert found == stored.pk, (name, typed)
    assert accepted > 30  # the sample does exercise registration


@pytest.mark.parametrize(
    "name", ["x\u200by", "x\u3164", "x\u2060y", "\ufeffx", "x\u034f", "x\u180ey", "x\ufe0f", "\u30a2\u180b"]
)
def test_no_invisible_character_is_accepted(name):
    body = {"username": name, "email": "i@example.com", "password": PASSWORD}
    assert APIClient().post("/api/v1/auth/register/", body, format="json").status_code == 400


SENSITIVE = [{"email": "taken-over@example.com"}, {"ai_can_read_entries": True}]


@pytest.mark.parametrize("change", SENSITIVE)
@pytest.mark.parametrize("credentials", ["session", "access token"])
def test_a_stolen_session_or_token_cannot_make_a_sensitive_change(owner, change, credentials):
    if credentials == "session":
        api = Client()
        api.force_login(owner)
        response = api.patch("/api/v1/me/", change, content_type="application/json")
    else:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(owner).access_token}")
        response = api.patch("/api/v1/me/", change, format="json")
    assert response.status_code == 400 and "current_password" in response.json()
    owner.refresh_from_db()
    assert (owner.email, owner.ai_can_read_entries) == ("owner@example.com", False)


@pytest.mark.parametrize("change", [{"email": "taken-over@example.com"}, {"ai_can_read_entries": "on"}])
def test_the_settings_page_asks_for_the_password_too(owner, change):
    page = Client()
    page.force_login(owner)
    response = page.post("/settings/", {"email": "owner@example.com", "language": "en", "timezone": "UTC", **change})
    assert response.status_code == 400
    owner.refresh_from_db()
    assert (owner.email, owner.ai_can_read_entries) == ("owner@example.com", False)
