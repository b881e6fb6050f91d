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
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from conversations.models import ConversationHistory
from diary.models import DiaryEntry, ImportJob
from diary.transfer import EXPORT_FORMAT_NAME, EXPORT_VERSION
from journal_site.testing import PASSWORD, EntryFactory, MessageFactory

MARKER = "owner-secret-7f3a"


@dataclass(frozen=True)
class Route:
    access: str  # owned | private | admin | public
    methods: tuple[str, ...] = ("GET",)


MATRIX: dict[str, Route] = {
    # --- public: no user data -------------------------------------------------------------------
    "home": Route("public"),  # the landing page; a signed-in user's dashboard is checked for leaks below
    "healthz": Route("public"),
    "readyz": Route("public"),
    "metrics": Route("public"),
    "set_language": Route("public", ("POST",)),
    "api-register": Route("public", ("POST",)),
    "api-token": Route("public", ("POST",)),
    "api-token-refresh": Route("public", ("POST",)),
    "api-logout": Route("public", ("POST",)),
    "api-schema": Route("public"),
    "api-docs": Route("public"),
    "api-emotions": Route("public"),  # the vocabulary, the same for everyone
    "accounts:signup": Route("public", ("GET", "POST")),
    "accounts:login": Route("public", ("GET", "POST")),
    "accounts:logout": Route("public", ("POST",)),
    "accounts:password_reset": Route("public", ("GET", "POST")),
    "accounts:password_reset_done": Route("public"),
    "accounts:password_reset_complete": Route("public"),
    "accounts:password_reset_confirm": Route("public"),
    # --- private: the caller's own collection ---------------------------------------------------
    "api-me": Route("private", ("GET", "PATCH", "DELETE")),
    "api-entries": Route("private", ("GET", "POST")),
    "api-emotions-suggest": Route("private", ("POST",)),
    "insights-api-stats": Route("private"),
    "insights-api-export": Route("private"),
    "insights-api-export-markdown": Route("private"),
    "insights-api-export-csv": Route("private"),
    "insights-api-import": Route("private", ("POST",)),
    "api-conversation-modes": Route("private"),
    "api-conversation-messages": Route("private", ("GET", "POST", "DELETE")),
    "accounts:settings": Route("private", ("GET", "POST")),
    "accounts:delete_account": Route("private", ("GET", "POST")),
    "accounts:password_change": Route("private", ("GET", "POST")),
    "diary:list": Route("private"),
    "diary:new": Route("private", ("GET", "POST")),
    "diary:calendar": Route("private"),
    "insights:index": Route("private"),
    "insights:export": Route("private"),
    "insights:import": Route("private", ("GET", "POST")),
    "conversations:index": Route("private"),
    "conversations:mode": Route("private", ("GET", "POST")),
    "conversations:older": Route("private"),
    "conversations:clear": Route("private", ("GET", "POST")),
    # --- owned: one object of the owner's -------------------------------------------------------
    "api-entry": Route("owned", ("GET", "PUT", "PATCH", "DELETE")),
    "insights-api-import-status": Route("owned"),
    "api-conversation-message": Route("owned"),
    "api-conversation-message-retry": Route("owned", ("POST",)),
    "diary:detail": Route("owned"),
    "diary:edit": Route("owned", ("GET", "POST")),
    "diary:delete": Route("owned", ("GET", "POST")),
    "insights:import-progress": Route("owned"),
    "conversations:reply": Route("owned"),
    "conversations:retry": Route("owned", ("POST",)),
    # --- admins only ----------------------------------------------------------------------------
    "api-admin-users": Route("admin"),
    "admin:*": Route("admin"),  # the whole Django admin, see ADMIN_PATHS
}


def route_names(patterns=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                names.add("admin:*")
                continue
            names |= route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_is_in_the_matrix():
    assert route_names() == set(MATRIX)


def is_api(name: str) -> bool:
    return ":" not in name


# --- The owner's data and a snapshot of it -------------------------------------------------------


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.RATE_LIMIT_PER_MINUTE = 100_000


@pytest.fixture
def owner_data(owner):
    entry = EntryFactory(user=owner, title=f"Title {MARKER}", content=f"Private text {MARKER}", emotion_tags=["joy"])
    message = MessageFactory(user=owner, content=f"My message {MARKER}", status="failed")
    MessageFactory(user=owner, content=f"Older message {MARKER}", status="answered")
    job = ImportJob.objects.create(user=owner, status="done", file_format="journal", total=1, processed=1)
    return {"entry": entry, "message": message, "job": job}


def snapshot(user: User) -> dict:
    """Everything of the user's that a request might change."""
    user.refresh_from_db()
    return {
        "user": (user.username, user.email, user.is_active, user.language, user.timezone, user.password),
        "entries": list(DiaryEntry.objects.filter(user=user).order_by("pk").values()),
        "messages": list(ConversationHistory.objects.filter(user=user).order_by("pk").values()),
        "jobs": list(ImportJob.objects.filter(user=user).order_by("pk").values()),
    }


def url_for(name: str, data: dict) -> str:
    kwargs_by_name = {
        "api-entry": {"entry_id": data["entry"].pk},
        "diary:detail": {"entry_id": data["entry"].pk},
        "diary:edit": {"entry_id": data["entry"].pk},
        "diary:delete": {"entry_id": data["entry"].pk},
        "insights-api-import-status": {"job_id": data["job"].pk},
        "insights:import-progress": {"job_id": data["job"].pk},
        "api-conversation-messages": {"mode": "supportive"},
        "api-conversation-message": {"mode": "supportive", "message_id": data["message"].pk},
        "api-conversation-message-retry": {"mode": "supportive", "message_id": data["message"].pk},
        "conversations:mode": {"mode": "supportive"},
        "conversations:older": {"mode": "supportive"},
        "conversations:clear": {"mode": "supportive"},
        "conversations:reply": {"mode": "supportive", "message_id": data["message"].pk},
        "conversations:retry": {"mode": "supportive", "message_id": data["message"].pk},
        "insights:export": {"fmt": "json"},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    }
    if name == "admin:*":
        return "/admin/"
    return reverse(name, kwargs=kwargs_by_name.get(name))


# Bodies that would change the owner's object if the route let them through.
API_BODIES = {
    "api-entry": {"title": "Taken over", "content": "Overwritten by someone else.", "mood": 1},
    "api-entries": {"content": "The outsider's own entry.", "mood": 3},
    "api-me": {"email": "taken@example.com", "password": PASSWORD},
    "api-conversation-messages": {"content": "The outsider says hello."},
    "api-emotions-suggest": {"content": "I feel happy today."},
}
PAGE_BODIES = {
    "diary:edit": {
        "title": "Taken",
        "content": "Overwritten by someone else.",
        "mood": "1",
        "created_at": "2024-05-01T10:00",
    },
    "diary:new": {"content": "The outsider's own entry.", "mood": "3", "created_at": "2024-05-01T10:00"},
    "conversations:mode": {"content": "The outsider says hello."},
    "accounts:delete_account": {"password": "wrong password"},
}


def send(client: Client, name: str, method: str, url: str, **extra):
    if is_api(name):
        body = json.dumps(API_BODIES.get(name, {}))
        if name == "insights-api-import":
            upload = io.BytesIO(json.dumps({"entries": [{"content": "Imported."}]}).encode())
            upload.name = "export.json"
            return client.post(url, {"file": upload}, **extra)
        return client.generic(method, url, body if method != "GET" else "", content_type="application/json", **extra)
    if method == "GET":
        return client.get(url, **extra)
    return client.post(url, PAGE_BODIES.get(name, {}), **extra)


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def cases(*accesses: str):
    return [
        pytest.param(name, method, id=f"{method} {name}")
        for name, route in MATRIX.items()
        if route.access in accesses
        for method in route.methods
    ]


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
        login = "/admin/login/" if name == "admin:*" else reverse("accounts:login")
        assert response["Location"].startswith(login + "?next=")
    assert MARKER not in body_text(response)
    assert snapshot(owner) == before


# --- The outsider ----------------------------------------------------------------------------------------


@pytest.fixture
def outsider_client(outsider):
    client = Client()
    client.force_login(outsider)
    return client


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
@pytest.mark.parametrize(
    "name", ["diary:list", "api-entries", "insights-api-export", "insights:export", "api-conversation-messages"]
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
    assert DiaryEntry.objects.get(content="Mine, from the page.").user_id == owner.pk


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
    assert ConversationHistory.objects.filter(user=owner, content="Hello.").exists()


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
    assert DiaryEntry.objects.get(content="Imported for me.").user_id == owner.pk
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
