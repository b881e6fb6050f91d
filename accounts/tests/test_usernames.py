"""Unicode usernames: every name that can register can sign in; invisible, look-alike and mixed names are refused."""

import pytest
from rest_framework.test import APIClient

from accounts import usernames
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

# Written as escapes: each looks exactly like plain Latin text.
FULLWIDTH_ADMIN = "\uff21\uff24\uff2d\uff29\uff2e"
FULLWIDTH_admin = "\uff41\uff44\uff4d\uff49\uff4e"
CYRILLIC_ACE = "\u0430\u0441\u0435"

pytestmark = pytest.mark.django_db


def register(username: str, email: str = "new@example.com"):
    body = {"username": username, "email": email, "password": PASSWORD}
    return APIClient().post("/api/v1/auth/register/", body, format="json")


def sign_in(client, username: str):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def token(username: str):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        ("İpek", ["İpek", "İPEK", "i̇pek"]),
        ("ΟΔΟΣ", ["ΟΔΟΣ", "οδος", "Οδοσ"]),
        ("Straße", ["STRASSE", "strasse", "Straße"]),
        ("Łucja", ["łucja", "ŁUCJA"]),
        ("张伟", ["张伟"]),
        ("देवांश", ["देवांश"]),
    ],
)
def test_every_name_that_registers_signs_in_by_name_on_page_and_api(client, name, typed):
    response = register(name)
    assert response.status_code == 201, response.content
    for attempt in typed:
        assert sign_in(client, attempt).status_code == 302, attempt
        client.logout()
        assert token(attempt).status_code == 200, attempt


def test_names_are_stored_in_compatibility_form():
    assert register(FULLWIDTH_ADMIN).json()["username"] == "ADMIN"
    assert register("Jose\u0301", email="jose@example.com").json()["username"] == "José"
    assert token("admin").status_code == 200 and token(FULLWIDTH_ADMIN).status_code == 200


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("admin\u3164", "cannot be seen"),  # Hangul filler: a letter that shows nothing
        ("ad\u200bmin", "cannot be seen"),  # zero-width space
        ("ad\u200dmin", "cannot be seen"),  # zero-width joiner
        ("admin\u00ad", "cannot be seen"),  # soft hyphen
        ("\u202eadmin", "cannot be seen"),  # right-to-left override
        ("p\u0430ypal", "one alphabet"),  # a Cyrillic a among Latin letters
        ("\u039f\u0394OS", "one alphabet"),  # Greek with Latin O and S
        ("\u0301admin", "Use only letters"),  # a mark with no letter before it
        ("ad min", "Use only letters"),
        ("a@b", "Use only letters"),
        ("star★", "Use only letters"),
    ],
)
def test_invisible_symbol_and_mixed_script_names_are_refused(client, name, message):
    response = register(name)
    assert response.status_code == 400 and message in response.json()["username"][0]
    data = {"username": name, "email": "x@example.com", "password1": PASSWORD, "password2": PASSWORD}
    page = client.post("/accounts/signup/", data)
    assert page.status_code == 400 and message in page.content.decode()
    assert not User.objects.exclude(username="owner").exists()


@pytest.mark.parametrize("look_alike", ["ADMIN", "Admin", FULLWIDTH_ADMIN, FULLWIDTH_admin])
def test_a_name_that_looks_like_a_taken_one_is_taken(look_alike):
    UserFactory(username="admin", email="admin@example.com")
    response = register(look_alike)
    assert response.status_code == 400 and response.json()["username"] == ["This username is taken."]


def test_a_whole_script_look_alike_is_the_same_name():
    """All-Cyrillic "ace" is not a mix, but looks exactly like Latin `ace`: the same name."""
    UserFactory(username="ace", email="ace@example.com")
    assert register(CYRILLIC_ACE).json()["username"] == ["This username is taken."]
    assert usernames.key(CYRILLIC_ACE.upper()) == usernames.key("ace")


def test_the_key_follows_a_renamed_user(owner):
    owner.username = "Renamed"
    owner.save(update_fields=["username"])
    assert User.objects.get(pk=owner.pk).username_key == "renamed"
    assert token("RENAMED").status_code == 200


def test_unicode_names_share_one_sign_in_lock(client):
    register("ΟΔΟΣ")
    for typed in ("ΟΔΟΣ", "οδος", "Οδος", "ΟΔΟΣ", "οδοσ"):
        client.post("/accounts/login/", {"username": typed, "password": "guess"}, REMOTE_ADDR="10.6.0.1")
    assert sign_in(client, "ΟΔΟΣ").status_code == 429


def test_bulk_created_users_get_their_key_too():
    User.objects.bulk_create([User(username=f"Bulk{i}", email=f"bulk{i}@example.com", password="!") for i in range(3)])
    assert sorted(User.objects.values_list("username_key", flat=True)) == ["bulk0", "bulk1", "bulk2"]
