import pytest
from django.contrib.auth import SESSION_KEY

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("identifier", ["owner", "OWNER", "owner@example.com", "Owner@Example.COM", " owner "])
def test_sign_in_with_username_or_email_in_any_case(client, owner, identifier):
    response = client.post("/accounts/login/", {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert int(client.session[SESSION_KEY]) == owner.pk


def test_sign_in_follows_a_safe_next_only(client, owner):
    response = client.post("/accounts/login/?next=/settings/", {"username": "owner", "password": PASSWORD})
    assert response["Location"] == "/settings/"
    client.logout()
    response = client.post("/accounts/login/?next=https://evil.example/", {"username": "owner", "password": PASSWORD})
    assert response["Location"] == "/"


def test_wrong_password_gets_a_clear_error_and_no_session(client, owner):
    response = client.post("/accounts/login/", {"username": "owner", "password": "nope"})
    assert response.status_code == 400
    assert b"do not match an account" in response.content
    assert SESSION_KEY not in client.session


def test_unknown_user_gets_the_same_error(client, owner):
    response = client.post("/accounts/login/", {"username": "ghost", "password": PASSWORD})
    assert response.status_code == 400 and b"do not match an account" in response.content


def test_inactive_user_cannot_sign_in(client):
    UserFactory(username="gone", is_active=False)
    response = client.post("/accounts/login/", {"username": "gone", "password": PASSWORD})
    assert response.status_code == 400 and SESSION_KEY not in client.session


def test_empty_form_shows_errors_beside_fields(client):
    response = client.post("/accounts/login/", {})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"username", "password"}


def test_sign_out_is_post_only(owner_client):
    assert owner_client.get("/accounts/logout/").status_code == 405
    assert owner_client.get("/settings/").status_code == 200
    response = owner_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert owner_client.get("/settings/").status_code == 302


def test_sign_out_needs_csrf(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post("/accounts/logout/").status_code == 403


def test_signed_in_user_is_sent_home_from_login(owner_client):
    assert owner_client.get("/accounts/login/")["Location"] == "/"


def test_login_page_links_to_reset_and_signup(client):
    body = client.get("/accounts/login/").content
    assert b'href="/accounts/password/reset/"' in body and b'href="/accounts/signup/"' in body


def test_sign_out_says_so_on_the_next_page(owner_client):
    response = owner_client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "You are signed out. See you soon." in response.content.decode()
    # Only once.
    assert "signed out" not in owner_client.get("/").content.decode()
