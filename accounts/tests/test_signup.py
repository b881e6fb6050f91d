import pytest
from django.core import mail

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "ania",
    "email": "Ania@Example.com",
    "password1": "a quiet river at dawn",
    "password2": "a quiet river at dawn",
    "timezone": "Europe/Warsaw",
}


def test_signup_page_renders_form_with_timezone_detection(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password2"' in body
    assert "data-detect-timezone" in body and "js/accounts.js" in body


def test_signup_creates_account_signs_in_and_welcomes(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", GOOD)
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="ania")
    assert user.email == "ania@example.com"  # stored lower-cased
    assert user.timezone == "Europe/Warsaw"
    assert user.password.startswith("md5$")  # hashed (Argon2 outside the tests)
    assert client.get("/settings/").status_code == 200  # signed in
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ania@example.com"]


def test_signup_takes_language_from_browser(client):
    client.post("/accounts/signup/", GOOD, HTTP_ACCEPT_LANGUAGE="pl-PL,pl;q=0.9")
    assert User.objects.get(username="ania").language == "pl"


def test_signup_with_unknown_timezone_falls_back_to_utc(client):
    client.post("/accounts/signup/", {**GOOD, "timezone": "Mars/Olympus"})
    assert User.objects.get(username="ania").timezone == "UTC"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"username": "OWNER"}, "username"),
        ({"email": "OWNER@example.COM"}, "email"),
    ],
)
def test_duplicate_username_or_email_in_any_case_is_refused(client, owner, change, field):
    response = client.post("/accounts/signup/", {**GOOD, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert User.objects.count() == 1


def test_weak_password_is_refused_beside_the_field(client):
    response = client.post("/accounts/signup/", {**GOOD, "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 400
    errors = response.context["form"].errors["password1"]
    assert any("common" in e or "numeric" in e for e in errors)
    assert b'class="field-error"' in response.content
    assert not User.objects.filter(username="ania").exists()


def test_password_like_the_username_is_refused(client):
    response = client.post(
        "/accounts/signup/", {**GOOD, "username": "riverdawn", "password1": "riverdawn1", "password2": "riverdawn1"}
    )
    assert response.status_code == 400 and "password1" in response.context["form"].errors


def test_mismatched_passwords_are_refused(client):
    response = client.post("/accounts/signup/", {**GOOD, "password2": "something else entirely"})
    assert response.status_code == 400 and "password2" in response.context["form"].errors


@pytest.mark.parametrize("username", ["with space", "a@b", "", "x" * 151])
def test_bad_usernames_are_refused(client, username):
    response = client.post("/accounts/signup/", {**GOOD, "username": username})
    assert response.status_code == 400 and "username" in response.context["form"].errors


def test_signed_in_user_is_sent_home_from_signup(client):
    client.force_login(UserFactory())
    assert client.get("/accounts/signup/")["Location"] == "/"


def test_signup_form_is_translated(client):
    response = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="pl")
    assert "Załóż swój dziennik".encode() in response.content


def test_signup_race_on_the_unique_index_is_a_form_error(client, monkeypatch):
    """Another sign-up commits the same name between the form's check and the insert."""
    from accounts import forms

    UserFactory(username="ANIA", email="first@example.com")
    monkeypatch.setattr(forms, "validate_username_available", lambda *args, **kwargs: None)
    response = client.post("/accounts/signup/", GOOD)
    assert response.status_code == 400
    assert b"already taken" in response.content
    assert User.objects.filter(username__iexact="ania").count() == 1
