"""Who may sign up: open, by invitation, or closed (docs/operations.md, Sign-up); the first person always may."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import Invite, SignUpMode, SiteSettings, User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "username": "ania",
    "email": "ania@example.com",
    "password1": "a quiet river at dawn",
    "password2": "a quiet river at dawn",
    "timezone": "Europe/Warsaw",
}
API = {"username": "ania", "email": "ania@example.com", "password": "a quiet river at dawn"}
REGISTER = "/api/v1/auth/register/"


def sign_up_set(mode: str) -> None:
    SiteSettings.objects.update_or_create(pk=1, defaults={"sign_up": mode})


@pytest.fixture
def someone():
    return UserFactory(username="first")


def test_sign_up_is_open_by_default(client, someone):
    assert client.get("/accounts/signup/").status_code == 200
    assert client.post("/accounts/signup/", FORM).status_code == 302
    assert User.objects.filter(username="ania").exists()


def test_closed_sign_up_says_so_and_creates_nobody(client, api_client, someone):
    sign_up_set(SignUpMode.CLOSED)
    response = client.get("/accounts/signup/")
    assert response.status_code == 403 and "Sign-up is closed" in response.content.decode()
    assert 'name="password1"' not in response.content.decode()
    assert client.post("/accounts/signup/", FORM).status_code == 403
    response = api_client.post(REGISTER, API, format="json")
    assert response.status_code == 403 and "closed" in response.json()["detail"]
    assert not User.objects.filter(username="ania").exists()


def test_a_refused_sign_up_learns_nothing_about_taken_names(api_client, someone):
    sign_up_set(SignUpMode.CLOSED)
    response = api_client.post(REGISTER, {**API, "username": "first"}, format="json")
    assert response.status_code == 403 and "username" not in response.json()


@pytest.mark.parametrize("mode", [SignUpMode.CLOSED, SignUpMode.INVITE])
def test_the_first_person_of_a_new_site_can_always_sign_up(client, mode):
    sign_up_set(mode)
    assert client.get("/accounts/signup/").status_code == 200
    assert client.post("/accounts/signup/", FORM).status_code == 302
    assert client.get("/settings/").status_code == 200


def test_by_invitation_a_visitor_without_a_link_is_told_how(client, api_client, someone):
    sign_up_set(SignUpMode.INVITE)
    response = client.get("/accounts/signup/")
    assert response.status_code == 403 and "by invitation" in response.content.decode()
    assert api_client.post(REGISTER, API, format="json").status_code == 403


def test_an_invitation_link_admits_one_sign_up(client, someone):
    sign_up_set(SignUpMode.INVITE)
    invite, token = services.invite_make(by=someone, note="Ania")
    url = f"/accounts/signup/invite/{token}/"
    page = client.get(url)
    assert page.status_code == 200 and f'action="{url}"' in page.content.decode()
    assert client.post(url, FORM).status_code == 302
    invite.refresh_from_db()
    assert invite.used_by == User.objects.get(username="ania") and invite.used_at is not None
    client.logout()
    again = client.post(url, {**FORM, "username": "bolek", "email": "bolek@example.com"})
    assert again.status_code == 403 and "used or has expired" in again.content.decode()
    assert not User.objects.filter(username="bolek").exists()


def test_an_expired_or_made_up_link_admits_nobody(client, someone):
    sign_up_set(SignUpMode.INVITE)
    invite, token = services.invite_make(by=someone)
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/accounts/signup/invite/{token}/").status_code == 403
    assert client.get("/accounts/signup/invite/made-up/").status_code == 403


def test_only_a_hash_of_the_token_is_kept(someone):
    invite, token = services.invite_make(by=someone)
    assert token not in invite.token_hash and len(invite.token_hash) == 64


def test_a_script_signs_up_with_the_invitation_token(api_client, someone):
    sign_up_set(SignUpMode.INVITE)
    _invite, token = services.invite_make(by=someone)
    assert api_client.post(REGISTER, {**API, "invite": token}, format="json").status_code == 201
    again = api_client.post(
        REGISTER, {**API, "username": "bolek", "email": "bolek@example.com", "invite": token}, format="json"
    )
    assert again.status_code == 403


def test_an_open_site_ignores_an_invitation_token(api_client, someone):
    assert api_client.post(REGISTER, {**API, "invite": "whatever"}, format="json").status_code == 201


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(UserFactory(username="boss", is_admin=True))
        return client

    def test_an_admin_switches_sign_up(self, admin_client):
        response = admin_client.get("/admin/accounts/sitesettings/")
        assert response.status_code == 302
        page = admin_client.get(response["Location"])
        assert page.status_code == 200 and 'name="sign_up"' in page.content.decode()
        admin_client.post(response["Location"], {"sign_up": "closed"})
        assert SiteSettings.current().sign_up == SignUpMode.CLOSED

    def test_an_admin_makes_a_link_shown_once(self, admin_client, client):
        response = admin_client.post("/admin/accounts/invite/add/", {"note": "Ania", "days": "3"}, follow=True)
        shown = [str(m) for m in response.context["messages"] if "/accounts/signup/invite/" in str(m)]
        assert len(shown) == 1
        token = shown[0].split("/accounts/signup/invite/")[1].split("/")[0]
        invite = Invite.objects.get()
        assert invite.note == "Ania" and invite.created_by.username == "boss"
        assert timedelta(days=2, hours=23) < invite.expires_at - timezone.now() <= timedelta(days=3)
        assert token not in admin_client.get(f"/admin/accounts/invite/{invite.pk}/change/").content.decode()
        assert client.get(f"/accounts/signup/invite/{token}/").status_code == 302  # signed in: home
        admin_client.logout()
        SiteSettings.objects.update_or_create(pk=1, defaults={"sign_up": SignUpMode.INVITE})
        assert client.get(f"/accounts/signup/invite/{token}/").status_code == 200  # the link works


def test_deleting_the_maker_or_the_user_of_an_invitation_keeps_it_without_them(someone):
    invite, _token = services.invite_make(by=someone)
    invited = UserFactory(username="invited")
    Invite.objects.filter(pk=invite.pk).update(used_by=invited, used_at=timezone.now())
    services.user_delete(user=someone)
    services.user_delete(user=invited)
    invite.refresh_from_db()
    assert (invite.created_by, invite.used_by) == (None, None) and invite.used_at is not None
