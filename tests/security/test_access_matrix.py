"""Who may reach what: every route of the site, two users, an anonymous visitor and an admin.

MATRIX lists every named route the URL resolver knows; a new route without an
entry fails `test_every_route_is_in_the_matrix`, so its access rule is decided
when it is added, not forgotten.

- owned: one of the owner's objects. The outsider gets 404 for every method,
  and the owner's rows are unchanged.
- private: the signed-in user's own collection. The outsider may use it but
  never sees or changes anything of the owner's.
- admin: admins only; a signed-in non-admin gets 403.
- public: no user data; anyone may ask.

Anonymous requests to anything but public get 401 (API) or a redirect to
sign-in (pages), and change nothing.
"""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conversations.models import ConversationHistory
from diary.models import DiaryEntry
from diary.tests.factories import EntryFactory
from portability.formats import EXPORT_FORMAT_NAME, EXPORT_VERSION
from tests.security.routes import MARKER, MATRIX, body_text, cases, is_api, route_names, send, snapshot, url_for


def test_every_route_is_in_the_matrix():
    assert route_names() == set(MATRIX)


# --- Anonymous ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), cases("owned", "private", "admin"))
def test_anonymous_gets_401_from_the_api_and_sign_in_from_pages(name, method, owner, owner_data):
    before = snapshot(owner)
    response = send(Client(), name, method, url_for(name, owner_data))
    if is_api(name):
        assert response.status_code == 401, body_text(response)[:300]
        assert response["WWW-Authenticate"].startswith("Bearer")
    else:
        assert response.status_code == 302
        in_admin = name == "admin:*" or name.startswith("overview:status")  # the status page lives in the admin
        login = "/admin/login/" if in_admin else reverse("accounts:login")
        assert response["Location"].startswith(login + "?next=")
    assert MARKER not in body_text(response)
    assert snapshot(owner) == before


# --- The outsider ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), cases("owned"))
def test_outsider_gets_404_for_each_of_the_owners_objects(name, method, owner, owner_data, outsider_client):
    before = snapshot(owner)
    response = send(outsider_client, name, method, url_for(name, owner_data), HTTP_HX_REQUEST="true")
    assert response.status_code == 404, body_text(response)[:300]
    assert MARKER not in body_text(response)
    assert snapshot(owner) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), cases("owned"))
def test_owner_reaches_each_of_their_objects(name, method, owner, owner_data, client):
    """The other side of the 404s: the same requests work for the owner (so the 404 is the rule, not a typo)."""
    client.force_login(owner)
    response = send(client, name, method, url_for(name, owner_data), HTTP_HX_REQUEST="true")
    # 400 (a form the page wants filled differently) and 409 (nothing to retry) still found the object.
    assert response.status_code not in (401, 403, 404) and response.status_code < 500, body_text(response)[:300]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), cases("private", "public"))
def test_outsider_never_sees_or_changes_the_owners_data(name, method, owner, owner_data, outsider_client):
    before = snapshot(owner)
    response = send(outsider_client, name, method, url_for(name, owner_data))
    assert response.status_code < 500
    assert MARKER not in body_text(response)
    assert snapshot(owner) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), cases("public"))
def test_anonymous_never_sees_or_changes_the_owners_data(name, method, owner, owner_data):
    """Sign-up and password reset, given the owner's own email, reveal and change nothing of theirs."""
    before = snapshot(owner)
    response = send(Client(), name, method, url_for(name, owner_data))
    assert response.status_code < 500
    assert MARKER not in body_text(response)
    assert snapshot(owner) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "diary:list", "api-entries", "insights-api-export", "portability:export", "api-conversation-messages",
        "api-tags", "diary:templates",
    ],
)
def test_owner_sees_their_data_in_their_collections(name, owner, owner_data, client):
    """The marker the outsider test looks for does show up where it should."""
    client.force_login(owner)
    response = send(client, name, "GET", url_for(name, owner_data))
    assert response.status_code == 200
    assert MARKER in body_text(response)


@pytest.mark.django_db
def test_outsider_clearing_their_chat_leaves_the_owners_history(owner, owner_data, outsider_api, outsider_client):
    before = snapshot(owner)
    assert outsider_api.delete("/api/v1/conversations/supportive/messages/").status_code == 204
    assert outsider_client.post("/chat/supportive/clear/").status_code == 302
    assert snapshot(owner) == before


# --- Another owner in the body ----------------------------------------------------------------------------


OWNER_FIELDS = ("user", "user_id", "owner", "owner_id")


def _hijack(outsider) -> dict:
    return {field: outsider.pk for field in OWNER_FIELDS}


@pytest.mark.django_db
def test_entry_created_through_the_api_belongs_to_the_caller_whatever_the_body_says(owner, outsider, owner_api):
    response = owner_api.post("/api/v1/entries/", {"content": "Mine.", "mood": 3, **_hijack(outsider)}, format="json")
    assert response.status_code == 201
    assert DiaryEntry.objects.get(pk=response.json()["id"]).user_id == owner.pk
    assert not DiaryEntry.objects.filter(user=outsider).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch"])
def test_entry_changed_through_the_api_stays_with_its_owner(method, owner, outsider, owner_api):
    entry = EntryFactory(user=owner)
    response = getattr(owner_api, method)(
        f"/api/v1/entries/{entry.pk}/", {"content": "Changed.", "mood": 2, **_hijack(outsider)}, format="json"
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.user_id, entry.content) == (owner.pk, "Changed.")


@pytest.mark.django_db
def test_entry_created_from_the_page_belongs_to_the_caller(owner, outsider, owner_client):
    response = owner_client.post(
        "/diary/new/",
        {"content": "Mine, from the page.", "mood": "3", "created_at": "2024-05-01T10:00", **_hijack(outsider)},
    )
    assert response.status_code == 302
    (entry,) = DiaryEntry.objects.all()  # the text is sealed: found by opening it
    assert (entry.content, entry.user_id) == ("Mine, from the page.", owner.pk)


@pytest.mark.django_db
def test_entry_edited_from_the_page_stays_with_its_owner(owner, outsider, owner_client):
    entry = EntryFactory(user=owner)
    response = owner_client.post(
        f"/diary/{entry.pk}/edit/",
        {"content": "Edited on the page.", "mood": "2", "created_at": "2024-05-01T10:00", **_hijack(outsider)},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.user_id, entry.content) == (owner.pk, "Edited on the page.")


@pytest.mark.django_db
def test_chat_message_belongs_to_the_caller_whatever_the_body_says(owner, outsider, owner_api):
    response = owner_api.post(
        "/api/v1/conversations/supportive/messages/", {"content": "Hello.", **_hijack(outsider)}, format="json"
    )
    assert response.status_code in (201, 202)
    assert not ConversationHistory.objects.filter(user=outsider).exists()
    assert [m.content for m in ConversationHistory.objects.filter(user=owner, role="user")] == ["Hello."]


@pytest.mark.django_db
def test_me_cannot_be_pointed_at_another_account(owner, outsider, owner_api):
    outsider_before = snapshot(outsider)
    response = owner_api.patch(
        "/api/v1/me/",
        {"id": outsider.pk, "username": "renamed", "timezone": "Europe/Warsaw", **_hijack(outsider)},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["id"] == owner.pk
    owner.refresh_from_db()
    assert (owner.username, owner.timezone) == ("owner", "Europe/Warsaw")
    assert snapshot(outsider) == outsider_before


@pytest.mark.django_db
def test_imported_entries_belong_to_the_caller_whatever_the_file_says(owner, outsider, owner_api):
    document = {
        "format": EXPORT_FORMAT_NAME,
        "version": EXPORT_VERSION,
        "profile": {"id": outsider.pk, "username": "outsider", "email": "outsider@example.com"},
        "user": outsider.pk,
        "entries": [
            {
                "created_at": "2024-05-01T10:00:00+00:00",
                "title": "",
                "content": "Imported for me.",
                **_hijack(outsider),
            }
        ],
    }
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "export.json"
    response = owner_api.post("/api/v1/import/", {"file": upload}, format="multipart")
    assert response.status_code in (201, 202), response.content[:300]
    (entry,) = DiaryEntry.objects.all()  # the text is sealed: found by opening it
    assert (entry.content, entry.user_id) == ("Imported for me.", owner.pk)
    assert not DiaryEntry.objects.filter(user=outsider).exists()


# --- Admins only -----------------------------------------------------------------------------------------------


ADMIN_PATHS = ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/{owner}/change/"]


@pytest.mark.django_db
def test_non_admin_gets_403_from_the_admin_api(owner_api, owner_client):
    assert owner_api.get("/api/v1/admin/users/").status_code == 403
    assert owner_client.get("/api/v1/admin/users/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("path", ADMIN_PATHS)
def test_non_admin_gets_403_from_the_django_admin(path, owner, owner_client):
    response = owner_client.get(path.format(owner=owner.pk))
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("path", ADMIN_PATHS)
def test_anonymous_is_sent_to_the_admin_sign_in(path, owner, client):
    response = client.get(path.format(owner=owner.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ADMIN_PATHS)
def test_admin_reaches_the_admin_but_never_journal_text(path, owner, owner_data, admin_user, client):
    client.force_login(admin_user)
    response = client.get(path.format(owner=owner.pk))
    assert response.status_code == 200
    assert MARKER not in body_text(response)
    api = client.get("/api/v1/admin/users/")
    assert api.status_code == 200 and MARKER not in body_text(api)


@pytest.mark.django_db
def test_inactive_user_session_is_no_longer_signed_in(owner, owner_data):
    client = Client()
    client.force_login(owner)
    User.objects.filter(pk=owner.pk).update(is_active=False)
    from django.core.cache import cache

    cache.clear()  # the signed-in user is cached for a short while
    assert client.get("/diary/").status_code == 302
    assert client.get("/api/v1/entries/").status_code in (401, 403)
