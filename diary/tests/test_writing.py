"""Writing: check-ins, the word counter, the user's own tags, templates, prompts and the editor's emotion order."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from accounts.timezones import user_zone
from diary import services, views, writing
from diary.days import streak_summary
from diary.models import DiaryEntry, EntryTemplate, UserTag
from diary.prompts import PROMPTS, prompt_for
from diary.tests.factories import EntryFactory
from diary.words import word_count
from diary.writing import user_tag_names

pytestmark = pytest.mark.django_db

EXAMPLES = json.loads((Path(__file__).parent / "word_count_examples.json").read_text())


# --- The word counter -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_word_count_counts_what_a_reader_sees(text, expected):
    assert word_count(text) == expected


def test_services_and_import_use_the_one_counter():
    from portability import imports

    assert services.word_count is word_count and imports.word_count is word_count


def test_saved_entries_store_the_visible_word_count(owner):
    entry = services.entry_create(user=owner, content="**Big** [news](https://example.com/a/b/c) — well-being 🙂")
    assert entry.word_count == 3


# --- Check-ins --------------------------------------------------------------------------------------


def test_a_mood_alone_is_an_entry(owner):
    entry = services.entry_create(user=owner, mood=3)
    assert (entry.content, entry.mood, entry.word_count) == ("", 3, 0)


def test_blank_text_beside_a_mood_is_stored_empty(owner):
    assert services.entry_create(user=owner, content="  \n ", mood=2).content == ""


def test_neither_text_nor_mood_is_refused(owner):
    with pytest.raises(ValidationError) as raised:
        services.entry_create(user=owner, content="   ")
    assert raised.value.message_dict["content"] == ["Write something first, or pick a mood."]
    assert not DiaryEntry.objects.exists()


def test_an_update_may_empty_the_text_of_a_check_in_but_not_drop_both(owner):
    entry = services.entry_create(user=owner, content="A note.", mood=4)
    services.entry_update(entry=entry, data={"content": ""})
    with pytest.raises(ValidationError) as raised:
        services.entry_update(entry=entry, data={"mood": None})
    assert "content" in raised.value.message_dict
    entry.refresh_from_db()
    assert (entry.content, entry.mood) == ("", 4)


@pytest.fixture
def midday():
    """Check-ins belong to a day: the clock stays at noon, so two check-ins never straddle a midnight."""
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 6, 15, 12, tzinfo=UTC)):
        yield


def test_check_in_lands_on_a_saved_state_with_a_note_or_another_mood(owner_client, owner, midday):
    response = owner_client.post("/diary/checkin/", {"mood": "5"})
    entry = DiaryEntry.objects.get(user=owner)
    assert response.status_code == 302 and response["Location"] == f"/?checked={entry.pk}#checked"
    assert (entry.mood, entry.content) == (5, "")
    page = owner_client.get(response["Location"]).content.decode()
    assert "Your mood is saved." in page and "Saved: great at" in page
    assert f'href="/diary/{entry.pk}/edit/">Add a note</a>' in page
    assert f'<input type="hidden" name="entry" value="{entry.pk}">' in page and 'aria-pressed="true"' in page
    # "Change the mood" changes the same entry.
    response = owner_client.post("/diary/checkin/", {"mood": "3", "entry": str(entry.pk)})
    assert response["Location"] == f"/?checked={entry.pk}#checked"
    entry.refresh_from_db()
    assert entry.mood == 3 and DiaryEntry.objects.count() == 1


def test_a_second_check_in_today_asks_to_update_or_add(owner_client, owner, midday):
    owner_client.post("/diary/checkin/", {"mood": "4"})
    first = DiaryEntry.objects.get(user=owner)
    response = owner_client.post("/diary/checkin/", {"mood": "2"})
    assert response.status_code == 200 and DiaryEntry.objects.count() == 1
    html = response.content.decode()
    assert "You checked in earlier today" in html and "Earlier: good at" in html and "Now: bad." in html
    assert f'name="entry" value="{first.pk}"' in html and 'name="add" value="1"' in html
    owner_client.post("/diary/checkin/", {"mood": "2", "entry": str(first.pk)})  # update today's
    first.refresh_from_db()
    assert first.mood == 2 and DiaryEntry.objects.count() == 1
    owner_client.post("/diary/checkin/", {"mood": "5", "add": "1"})  # or add another
    assert sorted(DiaryEntry.objects.values_list("mood", flat=True)) == [2, 5]


def test_a_check_in_never_changes_another_users_entry(owner_client, outsider):
    theirs = EntryFactory(user=outsider, mood=1)
    response = owner_client.post("/diary/checkin/", {"mood": "5", "entry": str(theirs.pk)})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.mood == 1


@pytest.mark.parametrize("mood", ["", "0", "6", "x", "²", "4.0"])
def test_check_in_with_a_bad_mood_saves_nothing(owner_client, mood):
    response = owner_client.post("/diary/checkin/", {"mood": mood})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not DiaryEntry.objects.exists()


def test_check_in_is_post_only_and_for_signed_in_users(owner_client):
    from django.test import Client

    assert owner_client.get("/diary/checkin/").status_code == 405
    response = Client().post("/diary/checkin/", {"mood": "3"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not DiaryEntry.objects.exists()


def test_check_in_then_a_note_in_the_editor(owner_client, owner):
    owner_client.post("/diary/checkin/", {"mood": "2"})
    entry = DiaryEntry.objects.get(user=owner)
    response = owner_client.post(
        f"/diary/{entry.pk}/edit/",
        {"content": "Long day.", "mood": "2", "emotion_tags": ["tired"], "created_at": "2024-05-01T10:00"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.content, entry.emotion_tags) == ("Long day.", ["tired"])


def test_api_accepts_a_mood_without_text(owner_api, owner):
    response = owner_api.post("/api/v1/entries/", {"mood": 3}, format="json")
    assert response.status_code == 201
    assert response.json()["content"] == "" and response.json()["mood"] == 3
    assert owner_api.post("/api/v1/entries/", {"content": "", "mood": 1}, format="json").status_code == 201


@pytest.mark.parametrize("body", [{}, {"content": ""}, {"content": "  "}, {"mood": None}, {"title": "Only"}])
def test_api_refuses_an_entry_without_text_or_mood(owner_api, body):
    response = owner_api.post("/api/v1/entries/", body, format="json")
    assert response.status_code == 400 and "content" in response.json()
    assert not DiaryEntry.objects.exists()


def test_api_patch_keeps_text_or_mood(owner_api, owner):
    checkin = EntryFactory(user=owner, content="Note", mood=4)
    plain = EntryFactory(user=owner, content="Note", mood=None)
    assert owner_api.patch(f"/api/v1/entries/{checkin.pk}/", {"content": ""}, format="json").status_code == 200
    assert owner_api.patch(f"/api/v1/entries/{plain.pk}/", {"content": ""}, format="json").status_code == 400
    plain.refresh_from_db()
    assert plain.content == "Note"


def test_openapi_schema_says_text_may_be_empty_with_a_mood():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    content = schema["components"]["schemas"]["EntryWriteRequest"]["properties"]["content"]
    assert "minLength" not in content and "check-in" in content["description"]
    assert "content" not in schema["components"]["schemas"]["EntryWriteRequest"].get("required", [])
    assert "/api/v1/tags/" in schema["paths"]


# --- The user's own tags ----------------------------------------------------------------------------


def test_tags_are_cleaned_and_remembered_for_autocomplete(owner):
    entry = services.entry_create(user=owner, content="x", tags=["  walk ", "Anna", "walk", "WALK", "", "the  lake"])
    assert entry.tags == ["walk", "Anna", "the lake"]
    assert user_tag_names(user=owner) == ["Anna", "the lake", "walk"]
    services.entry_update(entry=entry, data={"tags": ["Walk", "office"]})
    assert UserTag.objects.filter(user=owner).count() == 4


@pytest.mark.parametrize("tags", ["walk", [1], ["x" * 41], ["a\x00b"], [f"t{i}" for i in range(21)]])
def test_bad_tags_are_refused(owner, tags):
    with pytest.raises(ValidationError) as raised:
        services.entry_create(user=owner, content="x", tags=tags)
    assert "tags" in raised.value.message_dict


def test_editor_form_reads_tags_separated_by_commas(owner_client, owner):
    data = {"content": "Swim.", "tags": "swim, Anna ,, swim", "created_at": "2024-05-01T10:00"}
    owner_client.post("/diary/new/", data)
    assert DiaryEntry.objects.get(user=owner).tags == ["swim", "Anna"]


def test_tags_api_lists_only_the_users_own_and_filters_by_prefix(owner_api, owner, outsider):
    services.user_tag_create(user=owner, name="walk")
    services.user_tag_create(user=owner, name="Work")
    services.user_tag_create(user=owner, name="Anna")
    services.user_tag_create(user=outsider, name="wine")
    assert [t["name"] for t in owner_api.get("/api/v1/tags/").json()] == ["Anna", "walk", "Work"]
    assert [t["name"] for t in owner_api.get("/api/v1/tags/", {"q": "w"}).json()] == ["walk", "Work"]


def test_tags_api_creates_once_whatever_the_case(owner_api, owner):
    assert owner_api.post("/api/v1/tags/", {"name": " Yoga "}, format="json").json() == {"name": "Yoga"}
    response = owner_api.post("/api/v1/tags/", {"name": "yoga"}, format="json")
    assert response.status_code == 201 and response.json() == {"name": "Yoga"}
    assert UserTag.objects.filter(user=owner).count() == 1


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": 5}, {"name": "x" * 41}])
def test_tags_api_refuses_bad_names(owner_api, body):
    assert owner_api.post("/api/v1/tags/", body, format="json").status_code == 400
    assert not UserTag.objects.exists()


def test_tags_api_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/v1/tags/").status_code == 401
    assert api_client.post("/api/v1/tags/", {"name": "x"}, format="json").status_code == 401


def test_tags_api_query_count(call_api, owner, django_assert_num_queries):
    from diary.api import UserTagListCreateApi

    for name in ("a", "b", "c"):
        services.user_tag_create(user=owner, name=name)
    with django_assert_num_queries(1):  # the user's tag names
        response = call_api(UserTagListCreateApi.as_view(), owner, "/api/v1/tags/")
    assert len(response.data) == 3


# --- Emotions in the editor -------------------------------------------------------------------------


def test_editor_groups_emotions_with_the_users_most_used_first(owner_client, owner):
    EntryFactory.create_batch(2, user=owner, emotion_tags=["trust", "disgust"])
    EntryFactory(user=owner, emotion_tags=["proud"])
    groups = owner_client.get("/diary/new/").context["emotion_groups"]
    assert [g["code"] for g in groups] == ["pleasant", "unpleasant", "mixed"]
    assert groups[0]["emotions"][:3] == ["trust", "proud", "joy"]
    assert groups[1]["emotions"][0] == "disgust"
    assert sum(len(g["boxes"]) for g in groups) == 28


def test_emotion_use_is_cached_until_the_entries_change(owner, django_assert_num_queries):
    EntryFactory(user=owner, emotion_tags=["calm"])
    assert writing.emotion_usage(user=owner) == {"calm": 1}
    with django_assert_num_queries(0):
        writing.emotion_usage(user=owner)
    services.entry_create(user=owner, content="x", emotion_tags=["calm", "tired"])
    assert writing.emotion_usage(user=owner) == {"calm": 2, "tired": 1}


# --- Prompts and templates --------------------------------------------------------------------------


def test_prompt_of_the_day_is_stable_and_changes_with_the_date():
    today = date(2026, 11, 27)
    assert prompt_for(today) == prompt_for(today)
    assert prompt_for(today) != prompt_for(today + timedelta(days=1))
    assert {prompt_for(today + timedelta(days=n)) for n in range(len(PROMPTS))} == {str(p) for p in PROMPTS}


def test_editor_shows_the_prompt_of_the_users_day(owner_client, owner):
    from django.utils import timezone

    owner.timezone = "Pacific/Kiritimati"
    owner.save()
    local_day = timezone.localtime(timezone.now(), user_zone(user=owner)).date()
    assert owner_client.get("/diary/new/").context["prompt"] == prompt_for(local_day)


def test_templates_are_made_edited_and_deleted(owner_client, owner):
    response = owner_client.post("/diary/templates/", {"name": "Gratitude", "content": "Three things:\n1."})
    assert response.status_code == 302
    template = EntryTemplate.objects.get(user=owner)
    page = owner_client.get(f"/diary/new/?template={template.pk}")
    assert page.context["form"]["content"].value() == "Three things:\n1."
    owner_client.post(f"/diary/templates/{template.pk}/edit/", {"name": "Thanks", "content": "Two things"})
    template.refresh_from_db()
    assert (template.name, template.content) == ("Thanks", "Two things")
    owner_client.post(f"/diary/templates/{template.pk}/delete/")
    assert not EntryTemplate.objects.exists()


def test_a_template_needs_a_name_and_text(owner_client):
    response = owner_client.post("/diary/templates/", {"name": " ", "content": ""})
    assert response.status_code == 400 and set(response.context["form"].errors) == {"name", "content"}
    assert not EntryTemplate.objects.exists()


def test_outsider_gets_404_for_a_template(client, owner, outsider):
    template = services.entry_template_create(user=owner, name="Mine", content="Private start")
    client.force_login(outsider)
    assert client.get(f"/diary/templates/{template.pk}/edit/").status_code == 404
    assert client.post(f"/diary/templates/{template.pk}/edit/", {"name": "x", "content": "y"}).status_code == 404
    assert client.post(f"/diary/templates/{template.pk}/delete/").status_code == 404
    assert client.get(f"/diary/new/?template={template.pk}").status_code == 404
    assert "Private start" not in client.get("/diary/templates/").content.decode()
    template.refresh_from_db()
    assert (template.name, template.content) == ("Mine", "Private start")


def test_templates_page_query_count(call_page, owner, django_assert_num_queries):
    for n in range(3):
        services.entry_template_create(user=owner, name=f"T{n}", content="x")
    with django_assert_num_queries(1):  # the user's templates
        response = call_page(views.template_list, owner, "/diary/templates/")
    assert response.status_code == 200


# --- The dashboard's figures ------------------------------------------------------------------------


def test_streak_summary_counts_the_current_run_and_this_months_days(owner, django_assert_num_queries):
    now = datetime(2026, 11, 27, 10, tzinfo=UTC)
    for days_ago in (0, 1, 2, 5, 30):
        EntryFactory(user=owner, created_at=now - timedelta(days=days_ago))
    assert streak_summary(user=owner, now=now) == {"current_streak": 3, "month_days": 4, "days_written": 5}
    with django_assert_num_queries(0):
        streak_summary(user=owner, now=now)


def test_dashboard_shows_streak_and_days_written(owner_client, owner):
    EntryFactory(user=owner)
    html = owner_client.get("/").content.decode()
    assert "1-day streak" in html and "1 day written this month" in html


# --- Export and import keep check-ins and tags ------------------------------------------------------


def test_export_and_import_keep_check_ins_and_own_tags(owner_api, owner):
    import io

    services.entry_create(user=owner, mood=2, tags=["office"])
    services.entry_create(user=owner, content="Swam.", tags=["swim", "Anna"])
    exported = b"".join(owner_api.get("/api/v1/export/").streaming_content)
    assert json.loads(exported)["entries"][0]["tags"] in (["office"], ["swim", "Anna"])
    DiaryEntry.objects.all().delete()
    UserTag.objects.all().delete()
    upload = io.BytesIO(exported)
    upload.name = "export.json"
    response = owner_api.post("/api/v1/import/", {"file": upload}, format="multipart")
    assert response.status_code in (200, 201), response.content
    entries = {(e.content, e.mood, tuple(e.tags)) for e in DiaryEntry.objects.filter(user=owner)}
    assert entries == {("", 2, ("office",)), ("Swam.", None, ("swim", "Anna"))}
    assert user_tag_names(user=owner) == ["Anna", "office", "swim"]


# --- Prompts and starter templates -----------------------------------------------------------------


def test_the_prompt_can_be_written_about_or_swapped_without_script(owner_client, owner):
    page = owner_client.get("/diary/new/")
    index = page.context["prompt_index"]
    html = page.content.decode()
    assert f'href="/diary/new/?prompt={index}&amp;write=prompt"' in html
    assert f'href="/diary/new/?prompt={index + 1}"' in html
    another = owner_client.get(f"/diary/new/?prompt={index + 1}")
    assert another.context["prompt"] == str(PROMPTS[(index + 1) % len(PROMPTS)])
    written = owner_client.get(f"/diary/new/?prompt={index + 1}&write=prompt")
    assert written.context["form"].initial["content"] == f"## {PROMPTS[(index + 1) % len(PROMPTS)]}\n\n"
    for bad in ("-1", "99999", "x", "1.5"):
        assert owner_client.get(f"/diary/new/?prompt={bad}").status_code == 200


def test_starter_templates_are_offered_until_the_user_has_their_own(owner_client, owner):
    from diary import services
    from diary.starters import STARTERS

    html = owner_client.get("/diary/new/").content.decode()
    assert len(STARTERS) >= 3
    for slug in STARTERS:
        assert f'href="/diary/new/?starter={slug}"' in html
    started = owner_client.get("/diary/new/?starter=three-good-things")
    assert started.context["form"].initial["content"].startswith("## Three good things")
    assert "content" not in owner_client.get("/diary/new/?starter=nope").context["form"].initial
    services.entry_template_create(user=owner, name="Mine", content="My own start")
    assert "?starter=" not in owner_client.get("/diary/new/").content.decode()


def test_starter_templates_speak_polish(owner_client, owner):
    owner.language = "pl"
    owner.save()
    started = owner_client.get("/diary/new/?starter=three-good-things", HTTP_ACCEPT_LANGUAGE="pl")
    assert started.context["form"].initial["content"].startswith("## Trzy dobre rzeczy")


def test_a_starter_template_can_be_added_to_the_users_own(owner_client, owner):
    from diary.models import EntryTemplate
    from diary.starters import starters

    html = owner_client.get("/diary/templates/").content.decode()
    assert 'id="starters-heading"' in html and 'href="/diary/new/?starter=evening"' in html
    first = starters()[0]
    response = owner_client.post("/diary/templates/", {"name": first["name"], "content": first["content"]})
    assert response.status_code == 302
    assert EntryTemplate.objects.get(user=owner).content == first["content"]


def test_the_preview_renders_with_the_entry_pages_renderer_and_saves_nothing(owner_client, owner):
    from django.test import Client

    from diary.models import DiaryEntry
    from diary.rendering import markdown_render

    text = "## Walk\n\nBy the **river**.<script>alert(1)</script>"
    response = owner_client.post("/diary/preview/", {"content": text})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response.content.decode() == str(markdown_render(text)) and "<script" not in response.content.decode()
    assert not DiaryEntry.objects.exists()
    too_long = owner_client.post("/diary/preview/", {"content": "x" * 100_001})
    assert too_long.status_code == 400 and b"Keep the text under" in too_long.content
    assert owner_client.get("/diary/preview/").status_code == 405
    assert Client().post("/diary/preview/", {"content": "x"}).status_code == 302  # signed out
