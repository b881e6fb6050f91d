import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from diary import api
from diary.models import DiaryEntry
from diary.tests.factories import EntryFactory, entry_at

pytestmark = pytest.mark.django_db

ENTRY_KEYS = {"id", "title", "content", "mood", "emotion_tags", "tags", "exclude_from_ai", "created_at", "updated_at",
              "attachments"}


def _entries(user, count, **fields):
    now = timezone.now()
    return [EntryFactory(user=user, created_at=now - timedelta(minutes=i), **fields) for i in range(count)]


def test_list_shape_and_order(owner_api, owner):
    entries = _entries(owner, 3, content="Full **text**.")
    body = owner_api.get("/api/v1/entries/").json()
    assert set(body) == {"next", "previous", "results"}
    assert body["next"] is None and body["previous"] is None
    assert [item["id"] for item in body["results"]] == [e.pk for e in entries]
    assert set(body["results"][0]) == ENTRY_KEYS
    assert body["results"][0]["content"] == "Full **text**."


def test_list_pages_through_everything_with_the_cursor(owner_api, owner):
    entries = _entries(owner, 45)
    seen, url = [], "/api/v1/entries/"
    while url:
        body = owner_api.get(url).json()
        assert len(body["results"]) <= 20
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
    assert seen == [e.pk for e in entries]


def test_entries_written_at_the_same_moment_are_not_lost_between_pages(owner_api, owner):
    moment = timezone.now()
    entries = [EntryFactory(user=owner, created_at=moment) for _ in range(5)]
    first = owner_api.get("/api/v1/entries/?limit=2").json()
    second = owner_api.get(first["next"]).json()
    third = owner_api.get(second["next"]).json()
    ids = [item["id"] for page in (first, second, third) for item in page["results"]]
    assert sorted(ids) == sorted(e.pk for e in entries)


@pytest.mark.parametrize(
    ("limit", "size"), [("5", 5), ("100", 100), ("1000", 100), ("662949546022825216", 100), (None, 20)]
)
def test_limit_is_capped_at_100(owner_api, owner, limit, size):
    _entries(owner, 120)
    query = "" if limit is None else f"?limit={limit}"
    assert len(owner_api.get(f"/api/v1/entries/{query}").json()["results"]) == size


@pytest.mark.parametrize("cursor", ["garbage", "cD1ub3QtYS1kYXRl", "%E7%8A%A7%C3%90", "cj1hYmM="])
def test_bad_cursor_is_a_404_like_a_missing_page(owner_api, owner, cursor):
    EntryFactory(user=owner)
    response = owner_api.get(f"/api/v1/entries/?cursor={cursor}")
    assert response.status_code == 404 and response.json() == {"detail": "Invalid cursor."}


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=", "limit"), ("limit=0", "limit"), ("limit=-5", "limit"), ("limit=abc", "limit"),
        ("limit=%C2%B2", "limit"),
        ("tag=", "tag"), ("mood=", "mood"), ("from=", "from"), ("to=", "to"),
        ("tag=hangry", "tag"), ("mood=0", "mood"), ("mood=9", "mood"), ("from=2024-02-30", "from"),
        ("to=0001-01-01", "to"), ("from=2024-05-02&to=2024-05-01", "to"), ("mood=3&tag=hangry", "tag"),
    ],
)
def test_bad_list_parameters_are_a_400_naming_them(owner_api, owner, query, field):
    EntryFactory(user=owner)
    response = owner_api.get(f"/api/v1/entries/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field], body  # the bad parameter, and only it
    assert body[field] and all(isinstance(message, str) and message for message in body[field])


def test_blank_search_is_no_search(owner_api, owner):
    EntryFactory(user=owner)
    assert len(owner_api.get("/api/v1/entries/?q=").json()["results"]) == 1


def test_filters_match_the_pages(owner_api, owner):
    match = entry_at(owner, "2024-05-03 12:00", mood=4, emotion_tags=["calm"], content="river walk")
    entry_at(owner, "2024-05-03 12:00", mood=2, emotion_tags=["calm"], content="river walk")
    entry_at(owner, "2024-07-03 12:00", mood=4, emotion_tags=["calm"], content="river walk")
    body = owner_api.get("/api/v1/entries/?q=river&tag=calm&mood=4&from=2024-05-01&to=2024-05-31").json()
    assert [item["id"] for item in body["results"]] == [match.pk]


def test_create(owner_api, owner):
    response = owner_api.post(
        "/api/v1/entries/",
        {"title": "Hike", "content": "Proud of the climb.", "mood": 5, "emotion_tags": ["proud", "joy"],
         "exclude_from_ai": True, "created_at": "2024-05-01T10:00:00Z"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == ENTRY_KEYS
    entry = DiaryEntry.objects.get(pk=body["id"])
    assert entry.user == owner and entry.word_count == 4 and entry.exclude_from_ai
    assert entry.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert body["emotion_tags"] == ["proud", "joy"] and body["mood"] == 5


def test_create_defaults_to_now_and_ignores_user_fields(owner_api, owner, outsider):
    before = timezone.now()
    response = owner_api.post(
        "/api/v1/entries/",
        {"content": "Mine.", "user": outsider.pk, "user_id": outsider.pk, "id": 999, "word_count": 100},
        format="json",
    )
    assert response.status_code == 201
    entry = DiaryEntry.objects.get(pk=response.json()["id"])
    assert entry.user == owner and entry.pk != 999 and entry.word_count == 1
    assert entry.created_at >= before
    assert not DiaryEntry.objects.filter(user=outsider).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"content": "x", "emotion_tags": ["hangry"]}, "emotion_tags"),
        ({"content": "x", "emotion_tags": "joy"}, "emotion_tags"),
        ({"content": "x", "mood": 0}, "mood"),
        ({"content": "x", "mood": 9}, "mood"),
        ({"content": "x", "mood": "good"}, "mood"),
        ({"content": "x", "created_at": "1850-01-01T00:00:00Z"}, "created_at"),
        ({"content": "x", "created_at": "2999-01-01T00:00:00Z"}, "created_at"),
        ({"content": "x", "created_at": "0001-01-01T00:00:00+14:00"}, "created_at"),
        ({"content": "x", "created_at": "yesterday"}, "created_at"),
        ({"content": "   "}, "content"),
        ({"content": "a\x00b"}, "content"),
        ({"title": "only a title"}, "content"),
        ({"content": "x", "title": "t" * 201}, "title"),
        ({"content": "x", "exclude_from_ai": "maybe"}, "exclude_from_ai"),
        # JSON types are kept: no number for text, no text for a number or a yes/no.
        ({"content": 5}, "content"),
        ({"content": "x", "title": 7}, "title"),
        ({"content": "x", "mood": "4"}, "mood"),
        ({"content": "x", "mood": 4.0}, "mood"),
        ({"content": "x", "mood": True}, "mood"),
        ({"content": "x", "exclude_from_ai": "true"}, "exclude_from_ai"),
        ({"content": "x", "exclude_from_ai": 1}, "exclude_from_ai"),
    ],
)
def test_create_refuses_bad_input_with_a_400_naming_the_field(owner_api, body, field):
    response = owner_api.post("/api/v1/entries/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not DiaryEntry.objects.exists()


def test_the_api_speaks_json_only(owner_api):
    response = owner_api.post("/api/v1/entries/", {"content": "x"}, format="multipart")
    assert response.status_code == 415
    assert not DiaryEntry.objects.exists()


def test_unknown_emotion_message_is_clear(owner_api):
    response = owner_api.post("/api/v1/entries/", {"content": "x", "emotion_tags": ["hangry"]}, format="json")
    assert "Unknown emotion: hangry." in str(response.json()["emotion_tags"])


@pytest.mark.parametrize("body", ['{"content": "x"', "[1, 2]", '"just a string"', "null", "\xff\xfe"])
def test_malformed_json_is_a_400(owner_api, body):
    response = owner_api.generic("POST", "/api/v1/entries/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()
    assert not DiaryEntry.objects.exists()


def test_read_one(owner_api, owner):
    entry = EntryFactory(user=owner, content="Text", mood=3, emotion_tags=["calm"])
    body = owner_api.get(f"/api/v1/entries/{entry.pk}/").json()
    assert body["id"] == entry.pk and body["content"] == "Text" and body["emotion_tags"] == ["calm"]
    assert set(body) == ENTRY_KEYS


def test_patch_changes_only_what_is_sent(owner_api, owner):
    entry = EntryFactory(user=owner, title="Old", content="one two", mood=2, emotion_tags=["tired"])
    response = owner_api.patch(f"/api/v1/entries/{entry.pk}/", {"mood": None, "user": 12345}, format="json")
    assert response.status_code == 200 and response.json()["mood"] is None
    entry.refresh_from_db()
    assert (entry.title, entry.content, entry.mood, entry.emotion_tags, entry.user) == (
        "Old", "one two", None, ["tired"], owner
    )


def test_put_replaces_and_requires_content(owner_api, owner):
    entry = EntryFactory(user=owner, title="Old", content="old")
    response = owner_api.put(f"/api/v1/entries/{entry.pk}/", {"title": "New"}, format="json")
    assert response.status_code == 400 and "content" in response.json()
    response = owner_api.put(
        f"/api/v1/entries/{entry.pk}/", {"title": "New", "content": "three new words", "mood": 4}, format="json"
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.title, entry.content, entry.word_count, entry.mood) == ("New", "three new words", 3, 4)


def test_bad_update_leaves_the_row_alone(owner_api, owner):
    entry = EntryFactory(user=owner, mood=2, emotion_tags=["tired"])
    for body in ({"mood": 9}, {"emotion_tags": ["nope"]}, {"created_at": "1700-01-01T00:00:00Z"}):
        assert owner_api.patch(f"/api/v1/entries/{entry.pk}/", body, format="json").status_code == 400
    entry.refresh_from_db()
    assert (entry.mood, entry.emotion_tags) == (2, ["tired"])


def test_delete(owner_api, owner):
    entry = EntryFactory(user=owner)
    assert owner_api.delete(f"/api/v1/entries/{entry.pk}/").status_code == 204
    assert not DiaryEntry.objects.filter(pk=entry.pk).exists()
    assert owner_api.delete(f"/api/v1/entries/{entry.pk}/").status_code == 404


@pytest.mark.parametrize("entry_id", ["0", "99999999", "9223372036854775808", "99999999999999999999999"])
def test_nonsense_ids_are_404(owner_api, entry_id):
    assert owner_api.get(f"/api/v1/entries/{entry_id}/").status_code == 404
    assert owner_api.patch(f"/api/v1/entries/{entry_id}/", {"mood": 1}, format="json").status_code == 404


def test_session_users_need_the_csrf_token(owner):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(owner)
    assert browser.get("/api/v1/entries/").status_code == 200
    assert browser.post("/api/v1/entries/", {"content": "x"}, format="json").status_code == 403


@pytest.mark.parametrize("count", [1, 50])
def test_api_list_query_count_does_not_grow(call_api, owner, count, django_assert_num_queries):
    _entries(owner, count)
    view = api.EntryListCreateApi.as_view()
    # 1. one page of the user's entries (LIMIT page size + 1, to know whether there is a next page)
    # 2. the photos of the page's entries (diary.attachments.attachments_by_entry)
    with django_assert_num_queries(2):
        response = call_api(view, owner, "/api/v1/entries/")
    assert response.status_code == 200


def test_api_list_next_page_query_count(call_api, owner, django_assert_num_queries):
    _entries(owner, 30)
    view = api.EntryListCreateApi.as_view()
    first = json.loads(call_api(view, owner, "/api/v1/entries/", {"limit": 10}).content)
    # 1. the keyset page: created_at < cursor position, LIMIT 11
    # 2. the photos of its entries
    with django_assert_num_queries(2):
        response = call_api(view, owner, first["next"])
    assert len(json.loads(response.content)["results"]) == 10


def test_api_detail_query_count(call_api, owner, django_assert_num_queries):
    entry = EntryFactory(user=owner)
    # 1. the entry, by id and owner
    # 2. its photos
    with django_assert_num_queries(2):
        response = call_api(api.EntryDetailApi.as_view(), owner, f"/api/v1/entries/{entry.pk}/", entry_id=entry.pk)
    assert response.status_code == 200
