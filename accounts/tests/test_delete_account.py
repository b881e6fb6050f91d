"""The danger zone: the account and everything it owns go at once; sessions and tokens stop working."""

import pytest
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from accounts.tests.conftest import bearer
from accounts.tests.factories import PASSWORD
from conversations.models import ConversationHistory
from conversations.tests.factories import MessageFactory
from diary.models import DiaryEntry, ImportJob
from diary.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(owner, outsider):
    EntryFactory.create_batch(3, user=owner)
    MessageFactory.create_batch(2, user=owner)
    ImportJob.objects.create(user=owner)
    EntryFactory(user=outsider)
    MessageFactory(user=outsider)


def test_delete_page_asks_for_the_password(owner_client):
    response = owner_client.get("/settings/delete/")
    assert response.status_code == 200 and b'name="password"' in response.content


def test_wrong_password_deletes_nothing(owner_client, owner, owned):
    response = owner_client.post("/settings/delete/", {"password": "wrong"})
    assert response.status_code == 400
    assert "password" in response.context["form"].errors
    assert User.objects.filter(pk=owner.pk).exists()
    assert DiaryEntry.objects.filter(user=owner).count() == 3
    assert owner_client.get("/settings/").status_code == 200


def test_missing_password_deletes_nothing(owner_client, owner):
    assert owner_client.post("/settings/delete/", {}).status_code == 400
    assert User.objects.filter(pk=owner.pk).exists()


def test_delete_removes_user_and_everything_they_own_only(owner_client, owner, outsider, owned):
    response = owner_client.post("/settings/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not DiaryEntry.objects.filter(user_id=owner.pk).exists()
    assert not ConversationHistory.objects.filter(user_id=owner.pk).exists()
    assert not ImportJob.objects.filter(user_id=owner.pk).exists()
    # The outsider keeps everything.
    assert DiaryEntry.objects.filter(user=outsider).count() == 1
    assert ConversationHistory.objects.filter(user=outsider).count() == 1
    # This browser is signed out.
    assert owner_client.get("/settings/").status_code == 302


def test_delete_ends_other_sessions_and_tokens(owner_client, owner, api_client):
    other_browser = Client()
    other_browser.force_login(owner)
    assert other_browser.get("/settings/").status_code == 200
    tokens = api_client.post("/api/v1/auth/token/", {"username": "owner", "password": PASSWORD}, format="json").json()
    assert bearer(tokens["access"]).get("/api/v1/me/").status_code == 200

    owner_client.post("/settings/delete/", {"password": PASSWORD})

    assert other_browser.get("/settings/").status_code == 302
    assert bearer(tokens["access"]).get("/api/v1/me/").status_code == 401
    refresh = api_client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refresh.status_code == 401
    assert BlacklistedToken.objects.filter(token__jti=OutstandingToken.objects.get().jti).exists()


def test_delete_needs_sign_in_and_post(client, owner):
    assert client.post("/settings/delete/", {"password": PASSWORD}).status_code == 302
    assert User.objects.filter(pk=owner.pk).exists()


def test_delete_needs_csrf(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post("/settings/delete/", {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=owner.pk).exists()


def test_api_delete_me_with_password(owner_api, owner, owned, outsider):
    assert owner_api.delete("/api/v1/me/", {"password": "wrong"}, format="json").status_code == 400
    assert User.objects.filter(pk=owner.pk).exists()
    assert owner_api.delete("/api/v1/me/", {}, format="json").status_code == 400
    assert owner_api.delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204
    assert not User.objects.filter(pk=owner.pk).exists()
    assert DiaryEntry.objects.filter(user=outsider).count() == 1
    assert owner_api.get("/api/v1/me/").status_code == 401
