from datetime import UTC, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from diary import views
from diary.models import DiaryEntry
from diary.tests.factories import EntryFactory, entry_at

pytestmark = pytest.mark.django_db

GOOD_POST = {
    "title": "River walk",
    "content": "Walked by the river. Felt **calm** and grateful.",
    "created_at": "2024-05-01T21:30",
    "mood": "4",
    "emotion_tags": ["calm", "grateful"],
    "exclude_from_ai": "on",
}


@pytest.mark.parametrize("path", ["/diary/new/", "/diary/1/", "/diary/1/edit/", "/diary/1/delete/", "/diary/calendar/"])
def test_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_new_entry_form_defaults_to_now_in_the_users_time_zone(owner_client, owner):
    owner.timezone = "Asia/Tokyo"
    owner.save()
    fixed = datetime(2024, 5, 1, 15, 30, 45, tzinfo=UTC)  # 00:30 on 2 May in Tokyo
    with mock.patch("django.utils.timezone.now", return_value=fixed):
        response = owner_client.get("/diary/new/")
    assert response.status_code == 200
    assert b'value="2024-05-02T00:30"' in response.content
    assert b'type="datetime-local"' in response.content


def test_new_entry_form_can_start_with_a_mood_and_a_tag(owner_client):
    form = owner_client.get("/diary/new/?mood=2&tag=tired").context["form"]
    assert form.initial["mood"] == 2 and form.initial["emotion_tags"] == ["tired"]
    form = owner_client.get("/diary/new/?mood=9&tag=hangry").context["form"]
    assert "mood" not in form.initial and "emotion_tags" not in form.initial
    form = owner_client.get("/diary/new/?mood=%C2%B2").context["form"]
    assert "mood" not in form.initial and "emotion_tags" not in form.initial


def test_writing_an_entry(owner_client, owner):
    owner.timezone = "Europe/Warsaw"
    owner.save()
    response = owner_client.post("/diary/new/", GOOD_POST)
    entry = DiaryEntry.objects.get(user=owner)
    assert response.status_code == 302 and response["Location"] == f"/diary/{entry.pk}/"
    assert entry.title == "River walk" and entry.mood == 4 and entry.emotion_tags == ["calm", "grateful"]
    assert entry.exclude_from_ai and entry.word_count == 8
    # 21:30 in Warsaw (summer time) is 19:30 UTC.
    assert entry.created_at == datetime(2024, 5, 1, 19, 30, tzinfo=UTC)


def test_writing_without_mood_or_tags(owner_client, owner):
    response = owner_client.post("/diary/new/", {"content": "Just a line.", "created_at": "2024-05-01T10:00"})
    assert response.status_code == 302
    entry = DiaryEntry.objects.get(user=owner)
    assert entry.mood is None and entry.emotion_tags == [] and not entry.exclude_from_ai


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"emotion_tags": ["calm", "hangry"]}, "emotion_tags"),
        ({"mood": "0"}, "mood"),
        ({"mood": "9"}, "mood"),
        ({"created_at": "1850-01-01T10:00"}, "created_at"),
        ({"created_at": (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")}, "created_at"),
        ({"created_at": "not a date"}, "created_at"),
        ({"content": "   ", "mood": ""}, "content"),
        ({"title": "t" * 201}, "title"),
    ],
)
def test_failed_validation_keeps_everything_typed(owner_client, owner, change, field):
    data = {**GOOD_POST, **change}
    response = owner_client.post("/diary/new/", data)
    assert response.status_code == 400
    assert not DiaryEntry.objects.exists()
    form = response.context["form"]
    assert field in form.errors
    assert "The entry was not saved yet." in response.content.decode()
    # Everything typed goes back into the form.
    assert form["title"].value() == data["title"] and form["content"].value() == data["content"]
    assert form["emotion_tags"].value() == data["emotion_tags"] and form["mood"].value() == data["mood"]


def test_failed_validation_keeps_the_choices_checked(owner_client):
    response = owner_client.post("/diary/new/", {**GOOD_POST, "created_at": "1850-01-01T10:00"})
    html = response.content.decode()
    assert "Walked by the river. Felt **calm** and grateful." in html
    assert 'name="mood" value="4" id="id_mood_4" checked' in html
    assert 'value="calm" id="id_emotion_tags_8" checked' in html
    assert 'id="id_exclude_from_ai" checked' in html
    assert 'value="1850-01-01T10:00"' in html


def test_editor_suggests_emotions_from_the_text(owner_client):
    response = owner_client.post("/diary/new/", {**GOOD_POST, "emotion_tags": [], "mood": "9"})
    assert response.context["suggested"][:2] == ["calm", "grateful"]
    assert b'data-emotion="calm"' in response.content
    # A chosen emotion is not suggested again.
    response = owner_client.post("/diary/new/", {**GOOD_POST, "emotion_tags": ["calm"], "mood": "9"})
    assert "calm" not in response.context["suggested"]


def test_editor_carries_the_draft_key_and_no_inline_script(owner_client, owner):
    html = owner_client.get("/diary/new/").content.decode()
    assert 'data-draft-key="diary:draft:new"' in html
    assert '<script src="/static/js/diary.js" defer></script>' in html
    assert "<script>" not in html and " style=" not in html and "<style" not in html
    entry = EntryFactory(user=owner)
    assert f'data-draft-key="diary:draft:{entry.pk}"'.encode() in owner_client.get(f"/diary/{entry.pk}/edit/").content


def test_reading_an_entry_renders_markdown(owner_client, owner):
    entry = EntryFactory(user=owner, title="Hike", content="**Proud** of the climb.\n\n- summit", mood=5,
                         emotion_tags=["proud"], exclude_from_ai=True)
    response = owner_client.get(f"/diary/{entry.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Proud</strong>" in html and "<li>summit</li>" in html
    assert "great" in html and 'href="/diary/?tag=proud"' in html
    assert "Hidden from the companion" in html
    assert f'href="/diary/{entry.pk}/edit/"' in html and f'href="/diary/{entry.pk}/delete/"' in html
    assert f'data-entry-id="{entry.pk}"' in html  # lets the browser drop the saved draft


def test_editing_an_entry(owner_client, owner):
    entry = EntryFactory(user=owner, title="Old", content="old text", mood=2, emotion_tags=["tired"])
    form = owner_client.get(f"/diary/{entry.pk}/edit/").context["form"]
    assert form.initial["title"] == "Old" and form.initial["emotion_tags"] == ["tired"]
    response = owner_client.post(f"/diary/{entry.pk}/edit/", {**GOOD_POST, "title": "New"})
    assert response.status_code == 302 and response["Location"] == f"/diary/{entry.pk}/"
    entry.refresh_from_db()
    assert entry.title == "New" and entry.mood == 4 and entry.emotion_tags == ["calm", "grateful"]


def test_editing_without_touching_the_time_keeps_its_seconds(owner_client, owner):
    created = datetime(2024, 5, 1, 10, 15, 42, 123456, tzinfo=ZoneInfo("UTC"))
    entry = EntryFactory(user=owner, created_at=created)
    response = owner_client.post(f"/diary/{entry.pk}/edit/", {**GOOD_POST, "created_at": "2024-05-01T10:15"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.created_at == created


def test_failed_edit_keeps_the_typing_and_the_row(owner_client, owner):
    entry = EntryFactory(user=owner, title="Old", mood=2)
    response = owner_client.post(f"/diary/{entry.pk}/edit/", {**GOOD_POST, "title": "Typed", "mood": "0"})
    assert response.status_code == 400
    assert b'value="Typed"' in response.content
    entry.refresh_from_db()
    assert (entry.title, entry.mood) == ("Old", 2)


def test_deleting_asks_first_then_deletes_on_post(owner_client, owner):
    entry = EntryFactory(user=owner, title="Goodbye")
    response = owner_client.get(f"/diary/{entry.pk}/delete/")
    assert response.status_code == 200 and b"Delete the entry?" in response.content and b"Goodbye" in response.content
    assert DiaryEntry.objects.filter(pk=entry.pk).exists()
    response = owner_client.post(f"/diary/{entry.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/diary/"
    assert not DiaryEntry.objects.filter(pk=entry.pk).exists()


def test_pages_refuse_other_methods(owner_client, owner):
    entry = EntryFactory(user=owner)
    assert owner_client.put(f"/diary/{entry.pk}/edit/").status_code == 405
    assert owner_client.delete(f"/diary/{entry.pk}/delete/").status_code == 405
    assert DiaryEntry.objects.filter(pk=entry.pk).exists()


def test_detail_page_query_count(call_page, owner, django_assert_num_queries):
    older, entry, newer = (entry_at(owner, f"2024-03-0{day} 10:00") for day in (1, 2, 3))
    # 1. the entry, by id and owner
    # 2. its neighbours: the next older and the next newer entry (UNION ALL of two one-row probes)
    # 3. its photos
    with django_assert_num_queries(3):
        response = call_page(views.entry_detail, owner, f"/diary/{entry.pk}/", entry_id=entry.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/diary/{older.pk}/"' in html and f'href="/diary/{newer.pk}/"' in html


def test_edit_page_query_count(call_page, owner, django_assert_num_queries):
    entry = EntryFactory(user=owner)
    call_page(views.entry_edit, owner, f"/diary/{entry.pk}/edit/", entry_id=entry.pk)  # caches emotion use
    # 1. the entry, by id and owner  2. the user's tag names (autocomplete)  3. its photos
    # 4. the space the user's photos take
    with django_assert_num_queries(4):
        response = call_page(views.entry_edit, owner, f"/diary/{entry.pk}/edit/", entry_id=entry.pk)
    assert response.status_code == 200


def test_new_entry_page_query_count(call_page, owner, django_assert_num_queries):
    EntryFactory.create_batch(3, user=owner, emotion_tags=["tired"])
    # 1. emotion use lately (then cached until the entries change)  2. tag names  3. templates
    with django_assert_num_queries(3):
        response = call_page(views.entry_new, owner, "/diary/new/")
    assert response.status_code == 200
    with django_assert_num_queries(2):  # 1. tag names  2. templates
        call_page(views.entry_new, owner, "/diary/new/")
