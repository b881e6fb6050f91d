"""Bad input everywhere: each answered with a clear 4xx, and nothing half-written.

Every request here is refused, and every test compares the row counts of all
user data before and after. They run against SQLite and PostgreSQL (whose text
columns cannot hold a NUL byte, so a NUL that slipped through would be a 500).
"""

import io
import json

import pytest
from django.test import Client

from accounts.models import User
from conversations.models import ConversationHistory
from diary.models import DiaryEntry, ImportJob
from diary.tests.factories import EntryFactory
from portability.formats import EXPORT_FORMAT_NAME, EXPORT_VERSION
from tests.security.routes import PAYLOAD

pytestmark = pytest.mark.django_db

LONG = "x" * 100_001


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "entries": DiaryEntry.objects.count(),
        "messages": ConversationHistory.objects.count(),
        "jobs": ImportJob.objects.count(),
    }


@pytest.fixture
def entry(owner):
    return EntryFactory(user=owner, title="Kept", content="Kept as it was.")


@pytest.fixture
def unchanged(entry):
    """Row counts and the owner's entry must be the same after the test's request."""
    before = counts()
    fields = DiaryEntry.objects.filter(pk=entry.pk).values().get()
    yield
    assert counts() == before
    assert DiaryEntry.objects.filter(pk=entry.pk).values().get() == fields


def assert_json_error(response, status: int = 400) -> None:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict) and body


def json_body(client, method: str, path: str, raw: bytes):
    return client.generic(method, path, raw, content_type="application/json")


# --- Bodies over the limit ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/entries/"),
        ("PUT", "/api/v1/entries/{entry}/"),
        ("PATCH", "/api/v1/me/"),
        ("POST", "/api/v1/conversations/supportive/messages/"),
        ("POST", "/api/v1/auth/register/"),
    ],
)
def test_api_body_over_the_limit_gets_413(method, path, entry, owner_api, settings):
    settings.MAX_BODY_BYTES = 4096
    raw = json.dumps({"content": "y" * 5000, "username": "big", "email": "big@example.com", "password": "p" * 20})
    response = json_body(owner_api, method, path.format(entry=entry.pk), raw.encode())
    assert_json_error(response, 413)


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("path", ["/diary/new/", "/diary/{entry}/edit/", "/chat/supportive/", "/accounts/signup/"])
def test_page_form_over_the_limit_gets_413(path, entry, owner_client, settings):
    settings.MAX_BODY_BYTES = 4096
    response = owner_client.post(path.format(entry=entry.pk), {"content": "y" * 5000, "created_at": "2024-05-01T10:00"})
    assert response.status_code == 413


@pytest.mark.usefixtures("unchanged")
def test_import_over_its_limit_gets_413(owner_api, settings):
    settings.IMPORT_MAX_BYTES = 8192
    upload = io.BytesIO(b"{" + b" " * 10_000 + b"}")
    upload.name = "big.json"
    assert_json_error(owner_api.post("/api/v1/import/", {"file": upload}, format="multipart"), 413)


@pytest.mark.usefixtures("unchanged")
def test_chunked_body_over_the_limit_gets_413(owner_api, settings):
    settings.MAX_BODY_BYTES = 4096
    raw = json.dumps({"content": "y" * 5000}).encode()
    response = owner_api.generic(
        "POST",
        "/api/v1/entries/",
        raw,
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",
    )
    assert_json_error(response, 413)


# --- Malformed JSON, invalid UTF-8, NUL bytes ---------------------------------------------------------------

JSON_WRITES = [
    ("POST", "/api/v1/entries/"),
    ("PUT", "/api/v1/entries/{entry}/"),
    ("PATCH", "/api/v1/entries/{entry}/"),
    ("PATCH", "/api/v1/me/"),
    ("POST", "/api/v1/conversations/supportive/messages/"),
    ("POST", "/api/v1/emotions/suggest/"),
    ("POST", "/api/v1/auth/register/"),
    ("POST", "/api/v1/auth/token/"),
    ("POST", "/api/v1/auth/token/refresh/"),
    ("POST", "/api/v1/auth/logout/"),
]
MALFORMED = {
    "truncated": b'{"content": "half',
    "not json": b"content=hello",
    "trailing comma": b'{"content": "a",}',
    "a list": b'["content"]',
    "a string": b'"content"',
    "invalid utf-8": b'{"content": "\xff\xfe bad bytes \xc3\x28"}',
    "lone surrogate": b'{"content": "\\ud800"}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "huge number": b'{"mood": 1' + b"0" * 5000 + b"}",
}


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("method", "path"), JSON_WRITES)
@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_json_gets_400(method, path, raw, entry, owner_api):
    assert_json_error(json_body(owner_api, method, path.format(entry=entry.pk), raw))


NUL_FIELDS = {
    "/api/v1/entries/": {"title": "a\x00b", "content": "text"},
    "/api/v1/entries/#content": {"content": "te\x00xt"},
    "/api/v1/conversations/supportive/messages/": {"content": "hi\x00"},
    "/api/v1/auth/register/": {"username": "nul\x00user", "email": "nul@example.com", "password": "long enough pw 1"},
    "/api/v1/emotions/suggest/": {"content": "\x00"},
}


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("path", "body"), NUL_FIELDS.items(), ids=NUL_FIELDS.keys())
def test_nul_byte_in_a_json_field_gets_400(path, body, owner_api):
    assert_json_error(owner_api.post(path.split("#")[0], body, format="json"))


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/entries/{entry}/", {"content": "x\x00"}),
        ("/api/v1/me/", {"timezone": "Europe/\x00Warsaw"}),
        ("/api/v1/me/", {"email": "a\x00@example.com"}),
    ],
)
def test_nul_byte_in_a_json_change_gets_400(path, body, entry, owner_api):
    assert_json_error(owner_api.patch(path.format(entry=entry.pk), body, format="json"))


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/diary/new/", {"content": "te\x00xt", "created_at": "2024-05-01T10:00"}),
        ("/diary/new/", {"content": "text", "title": "\x00", "created_at": "2024-05-01T10:00"}),
        ("/diary/{entry}/edit/", {"content": "te\x00xt", "created_at": "2024-05-01T10:00"}),
        ("/chat/supportive/", {"content": "hi\x00"}),
        ("/settings/", {"email": "a\x00@example.com", "timezone": "UTC", "language": "en"}),
        ("/accounts/signup/", {"username": "a\x00b", "email": "ab@example.com", "password1": "x", "password2": "x"}),
    ],
)
def test_nul_byte_in_a_form_gets_400(path, data, entry, owner_client):
    client = Client() if path.startswith("/accounts/") else owner_client
    response = client.post(path.format(entry=entry.pk), data)
    assert response.status_code == 400, response.status_code


INVALID_UTF8_FORMS = ["/diary/new/", "/diary/{entry}/edit/", "/chat/supportive/", "/settings/", "/accounts/signup/"]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("path", INVALID_UTF8_FORMS)
def test_invalid_utf8_in_a_form_post_gets_400(path, entry, owner_client):
    raw = b"content=%FF%FEbad&title=ok%C3%28&created_at=2024-05-01T10%3A00&mood=3"
    client = Client() if path.startswith("/accounts/") else owner_client
    response = client.generic(
        "POST", path.format(entry=entry.pk), raw, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    "path",
    [
        "/diary/?q=%FF%FE",
        "/diary/?tag=%C3%28",
        "/api/v1/entries/?q=%FF",
        "/api/v1/stats/?days=%FF",
        "/insights/?days=%ED%A0%80",
        "/diary/calendar/?month=%FF",
        "/api/v1/conversations/supportive/messages/?before=%FF",
    ],
)
def test_invalid_utf8_in_a_query_string_gets_400(path, owner_client):
    response = owner_client.get(path)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/diary/?q=a%00b", "/diary/?tag=%00", "/api/v1/entries/?q=%00", "/api/v1/entries/?tag=joy%00", "/diary/?from=%00"],
)
def test_nul_byte_in_a_query_string_gets_400(path, owner_client):
    assert owner_client.get(path).status_code == 400


# --- Long fields --------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/entries/", {"content": LONG}),
        ("post", "/api/v1/entries/", {"content": "ok", "title": LONG}),
        ("patch", "/api/v1/entries/{entry}/", {"content": LONG}),
        ("patch", "/api/v1/entries/{entry}/", {"title": LONG}),
        ("post", "/api/v1/conversations/supportive/messages/", {"content": LONG}),
        ("patch", "/api/v1/me/", {"email": LONG + "@example.com"}),
        ("patch", "/api/v1/me/", {"timezone": LONG}),
        (
            "post",
            "/api/v1/auth/register/",
            {"username": LONG, "email": "l@example.com", "password": "long enough pw 1"},
        ),
        (
            "post",
            "/api/v1/auth/register/",
            {"username": "long", "email": LONG + "@example.com", "password": "pw1pw1pw1"},
        ),
        ("post", "/api/v1/auth/register/", {"username": "long", "email": "l@example.com", "password": LONG}),
        ("post", "/api/v1/auth/token/", {"username": LONG, "password": LONG}),
        ("post", "/api/v1/emotions/suggest/", {"content": LONG}),
    ],
)
def test_100000_character_api_field_gets_400(method, path, body, entry, owner_api):
    response = getattr(owner_api, method)(path.format(entry=entry.pk), body, format="json")
    assert response.status_code in (400, 401), response.content[:300]
    assert response.status_code == 400 or path == "/api/v1/auth/token/"


def test_content_of_exactly_the_limit_is_kept(owner_api):
    response = owner_api.post("/api/v1/entries/", {"content": "x" * 100_000}, format="json")
    assert response.status_code == 201
    assert len(DiaryEntry.objects.get(pk=response.json()["id"]).content) == 100_000


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/diary/new/", {"content": LONG, "created_at": "2024-05-01T10:00"}),
        ("/diary/new/", {"content": "ok", "title": LONG, "created_at": "2024-05-01T10:00"}),
        ("/diary/{entry}/edit/", {"content": LONG, "created_at": "2024-05-01T10:00"}),
        ("/chat/supportive/", {"content": LONG}),
        ("/accounts/signup/", {"username": LONG, "email": "a@example.com", "password1": "x", "password2": "x"}),
        ("/accounts/login/", {"username": LONG, "password": LONG}),
    ],
)
def test_100000_character_form_field_gets_400(path, data, entry, owner_client):
    client = Client() if path.startswith("/accounts/") else owner_client
    response = client.post(path.format(entry=entry.pk), data)
    assert response.status_code in (400, 200) and response.status_code != 302
    assert response.status_code == 400 or path == "/accounts/login/"


@pytest.mark.parametrize("path", ["/diary/?q=", "/api/v1/entries/?q=", "/diary/?tag=", "/api/v1/entries/?tag="])
def test_100000_character_query_gets_400(path, owner_client):
    assert owner_client.get(path + "x" * 100_000).status_code == 400


# --- Numbers out of range -----------------------------------------------------------------------------------

BAD_NUMBERS = ["-1", "0", "-99999999999999999999", "99999999999999999999999999", "1e9", "1.5", "١٢", " 2", "0x10", ""]


@pytest.mark.parametrize("value", BAD_NUMBERS[:-1])
def test_bad_page_number_gets_400(value, owner_client):
    assert owner_client.get("/diary/", {"page": value}).status_code in (400, 404)


def test_page_past_the_end_is_404_not_500(owner_client):
    assert owner_client.get("/diary/", {"page": "999999"}).status_code == 404


@pytest.mark.parametrize("value", [v for v in BAD_NUMBERS if v not in ("99999999999999999999999999",)])
def test_bad_limit_gets_400(value, owner_api):
    assert_json_error(owner_api.get("/api/v1/entries/", {"limit": value}))


def test_huge_limit_is_capped_not_an_error(owner_api):
    response = owner_api.get("/api/v1/entries/", {"limit": "99999999999999999999999999"})
    assert response.status_code == 200


@pytest.mark.parametrize("value", [*BAD_NUMBERS, "6", "-3", "3.0"])
def test_bad_mood_filter_gets_400(value, owner_api, owner_client):
    assert_json_error(owner_api.get("/api/v1/entries/", {"mood": value}))
    # The page's filter form sends its empty fields: blank is "any mood" there.
    assert owner_client.get("/diary/", {"mood": value}).status_code == (200 if value == "" else 400)


@pytest.mark.parametrize("value", ["-30", "0", "99999999999999999999", "abc", "31"])
def test_bad_stats_period_gets_400(value, owner_api, owner_client):
    assert_json_error(owner_api.get("/api/v1/stats/", {"days": value}))
    assert owner_client.get("/insights/", {"days": value}).status_code == 400


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("mood", [-1, 0, 6, 10**30, 2.5, "3", True, [3], {"a": 1}])
def test_bad_mood_in_a_body_gets_400(mood, entry, owner_api):
    assert_json_error(owner_api.post("/api/v1/entries/", {"content": "ok", "mood": mood}, format="json"))
    assert_json_error(owner_api.patch(f"/api/v1/entries/{entry.pk}/", {"mood": mood}, format="json"))


# --- Emotions -----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("tags", [["nope"], ["joy", "nope"], ["<script>"], "joy", [1], [None], ["joy"] * 1000])
def test_unknown_emotion_codes_get_400(tags, entry, owner_api):
    assert_json_error(owner_api.post("/api/v1/entries/", {"content": "ok", "emotion_tags": tags}, format="json"))
    assert_json_error(owner_api.patch(f"/api/v1/entries/{entry.pk}/", {"emotion_tags": tags}, format="json"))


@pytest.mark.usefixtures("unchanged")
def test_unknown_emotion_code_in_the_form_gets_400(entry, owner_client):
    data = {"content": "ok", "created_at": "2024-05-01T10:00", "emotion_tags": ["joy", "nope"]}
    assert owner_client.post("/diary/new/", data).status_code == 400
    assert owner_client.post(f"/diary/{entry.pk}/edit/", data).status_code == 400


@pytest.mark.parametrize("tag", ["nope", "<script>", "JOY "])
def test_unknown_emotion_filter_gets_400(tag, owner_api, owner_client):
    assert_json_error(owner_api.get("/api/v1/entries/", {"tag": tag}))
    assert owner_client.get("/diary/", {"tag": tag}).status_code == 400


# --- Dates --------------------------------------------------------------------------------------------------

BAD_DATES = [
    "0000-01-01",
    "10000-01-01",
    "2024-13-01",
    "2024-02-30",
    "yesterday",
    "2024-01-01T25:00:00Z",
    "-2024-01-01",
]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("value", [*BAD_DATES, "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", 1700000000])
def test_entry_date_out_of_range_gets_400(value, entry, owner_api):
    assert_json_error(owner_api.post("/api/v1/entries/", {"content": "ok", "created_at": value}, format="json"))
    assert_json_error(owner_api.patch(f"/api/v1/entries/{entry.pk}/", {"created_at": value}, format="json"))


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("value", ["0000-01-01T00:00", "10000-01-01T00:00", "2024-13-01T10:00", "0001-01-01T00:00"])
def test_page_entry_date_out_of_range_gets_400(value, entry, owner_client):
    assert owner_client.post("/diary/new/", {"content": "ok", "created_at": value}).status_code == 400


@pytest.mark.parametrize("name", ["from", "to"])
@pytest.mark.parametrize("value", BAD_DATES)
def test_date_filter_out_of_range_gets_400(name, value, owner_api, owner_client):
    assert_json_error(owner_api.get("/api/v1/entries/", {name: value}))
    assert owner_client.get("/diary/", {name: value}).status_code == 400


@pytest.mark.parametrize("value", ["0000-01", "10000-01", "2024-13", "2024-00", "-1-01", "abc"])
def test_calendar_month_out_of_range_gets_400(value, owner_client):
    assert owner_client.get("/diary/calendar/", {"month": value}).status_code == 400


# --- Script in text fields: stored as written, shown escaped ------------------------------------------------


def test_script_in_entry_fields_is_stored_as_written_and_shown_escaped(owner_api, owner_client):
    response = owner_api.post("/api/v1/entries/", {"title": PAYLOAD[:200], "content": PAYLOAD}, format="json")
    assert response.status_code == 201
    entry = DiaryEntry.objects.get(pk=response.json()["id"])
    assert (entry.title, entry.content) == (PAYLOAD[:200], PAYLOAD)
    assert owner_api.get(f"/api/v1/entries/{entry.pk}/").json()["content"] == PAYLOAD
    html = owner_client.get(f"/diary/{entry.pk}/").content.decode()
    assert "<script>alert" not in html and "onerror=" not in html.replace("onerror=&quot;", "")
    assert "&lt;script&gt;alert" in html  # the title, escaped


def test_script_in_a_chat_message_is_shown_escaped(owner_client):
    response = owner_client.post("/chat/supportive/", {"content": PAYLOAD})
    assert response.status_code in (200, 302)
    assert PAYLOAD in [message.content for message in ConversationHistory.objects.filter(role="user")]
    html = owner_client.get("/chat/supportive/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    "body",
    [
        {"username": "<script>alert(1)</script>", "email": "x@example.com", "password": "long enough pw 1"},
        {"username": "fine", "email": "<script>@example.com", "password": "long enough pw 1"},
        {"username": "fine", "email": '"><img src=x onerror=alert(1)>@example.com', "password": "long enough pw 1"},
    ],
)
def test_markup_in_username_or_email_is_refused(body, client):
    from rest_framework.test import APIClient

    assert_json_error(APIClient().post("/api/v1/auth/register/", body, format="json"))
    data = {"username": body["username"], "email": body["email"], "password1": "Long enough pw 1", "password2": "x"}
    data["password2"] = data["password1"]
    assert client.post("/accounts/signup/", data).status_code == 400


def test_script_in_imported_fields_is_stored_as_written_and_shown_escaped(owner, owner_api, owner_client):
    document = {
        "format": EXPORT_FORMAT_NAME,
        "version": EXPORT_VERSION,
        "entries": [{"created_at": "2024-05-01T10:00:00+00:00", "title": PAYLOAD[:200], "content": PAYLOAD}],
    }
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "export.json"
    response = owner_api.post("/api/v1/import/", {"file": upload}, format="multipart")
    assert response.status_code in (201, 202), response.content[:300]
    entry = DiaryEntry.objects.get(user=owner)  # the title is sealed: compared once opened
    assert (entry.title, entry.content) == (PAYLOAD[:200], PAYLOAD)
    for path in (f"/diary/{entry.pk}/", "/diary/?q=alert", "/diary/calendar/?month=2024-05"):
        html = owner_client.get(path).content.decode()
        assert "<script>alert" not in html, path


def export_file(*entries: str) -> bytes:
    return ('{"format": "journal-export", "version": 1, "entries": [' + ", ".join(entries) + "]}").encode()


WHEN = '"created_at": "2024-05-01T10:00:00Z"'
BAD_IMPORTS = {
    "nul": export_file(f'{{{WHEN}, "content": "a\\u0000"}}'),
    "year 0": export_file('{"created_at": "0000-01-01T10:00:00Z", "content": "a"}'),
    "mood 9": export_file(f'{{{WHEN}, "content": "a", "mood": 9}}'),
    "long content": export_file(f'{{{WHEN}, "content": "' + "x" * 100_001 + '"}'),
    "second entry bad": export_file(
        f'{{{WHEN}, "content": "ok"}}', f'{{{WHEN}, "content": "bad", "emotion_tags": ["nope"]}}'
    ),
    "invalid utf-8": export_file(f'{{{WHEN}, "content": "BAD"}}').replace(b"BAD", b"\xff\xfe"),
    "binary": b"\x00\x01\x02 not json at all",
    "broken zip": b"PK\x03\x04 a broken zip",
}


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("raw", BAD_IMPORTS.values(), ids=BAD_IMPORTS.keys())
def test_bad_import_file_gets_400_and_imports_nothing(raw, owner_api):
    upload = io.BytesIO(raw)
    upload.name = "export.json"
    assert_json_error(owner_api.post("/api/v1/import/", {"file": upload}, format="multipart"))
