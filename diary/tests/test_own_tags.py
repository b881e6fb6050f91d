"""The user's own tags: shown apart from emotions, linked to the diary filtered by them, filtered on the page
and in the API (?tag=), one spelling per tag (docs/reading.md)."""

import pytest
from django.test import override_settings

from diary import services
from diary.writing import user_tag_names

pytestmark = pytest.mark.django_db


def _entry(user, title, tags=(), emotion_tags=()):
    return services.entry_create(user=user, title=title, content=f"{title}.", tags=list(tags),
                                 emotion_tags=list(emotion_tags))


def _titles(response) -> set[str]:
    return {entry.title for entry in response.context["page"].object_list}


def test_the_diary_filters_by_an_own_tag_in_any_letter_case(owner_client, owner):
    _entry(owner, "walk", tags=["Spacer z psem", "Kasia"])
    _entry(owner, "work", tags=["work meeting"])
    _entry(owner, "plain")
    response = owner_client.get("/diary/", {"tag": "spacer Z PSEM"})
    assert response.status_code == 200 and _titles(response) == {"walk"}
    assert b"1 entry found" in response.content
    # The filter's select offers the user's tags in their own group, the chosen one marked.
    html = response.content.decode()
    assert '<optgroup label="Your tags">' in html
    assert '<option value="Spacer z psem" selected>#Spacer z psem</option>' in html


def test_a_name_that_is_an_emotion_and_an_own_tag_finds_either(owner_client, owner):
    _entry(owner, "felt calm", emotion_tags=["calm"])
    _entry(owner, "tagged calm", tags=["Calm"])
    _entry(owner, "neither", emotion_tags=["joy"])
    assert _titles(owner_client.get("/diary/", {"tag": "calm"})) == {"felt calm", "tagged calm"}


def test_an_unknown_tag_or_another_users_tag_is_a_clear_400(owner_client, owner, outsider):
    _entry(outsider, "theirs", tags=["secret place"])
    for name in ("secret place", "nothing like it"):
        response = owner_client.get("/diary/", {"tag": name})
        assert response.status_code == 400
        assert f"Unknown emotion or tag: {name}." in response.content.decode()


def test_the_api_filters_by_an_own_tag(owner_api, owner, outsider):
    _entry(owner, "walk", tags=["Spacer"])
    _entry(owner, "other")
    _entry(outsider, "theirs", tags=["Spacer"])
    response = owner_api.get("/api/v1/entries/", {"tag": "spacer"})
    assert response.status_code == 200
    assert [(e["title"], e["tags"]) for e in response.json()["results"]] == [("walk", ["Spacer"])]
    response = owner_api.get("/api/v1/entries/", {"tag": "missing"})
    assert response.status_code == 400 and "tag" in response.json()


@override_settings(LANGUAGE_CODE="en")
def test_own_tags_link_to_the_filtered_diary_on_the_entry_and_its_card(owner_client, owner):
    entry = _entry(owner, "walk", tags=["Spacer z psem"], emotion_tags=["joy"])
    link = ('<a class="tag own-tag" href="/diary/?tag=Spacer%20z%20psem">'
            '<span class="own-tag-mark" aria-hidden="true">#</span>Spacer z psem</a>')
    assert link in owner_client.get(f"/diary/{entry.pk}/").content.decode()
    card = owner_client.get("/diary/").content.decode()
    assert link in card and 'href="/diary/?tag=joy"' in card  # the emotion beside it, as before


def test_one_spelling_per_tag_on_create_and_update(owner):
    first = _entry(owner, "one", tags=["Walk"])
    second = _entry(owner, "two", tags=["walk", "New one"])
    assert second.tags == ["Walk", "New one"]
    services.entry_update(entry=first, data={"tags": ["NEW ONE"]})
    assert first.tags == ["New one"]
    assert user_tag_names(user=owner) == ["New one", "Walk"]


def test_a_tag_added_to_the_list_is_offered_by_the_filter_at_once(owner_client, owner,
                                                                   django_capture_on_commit_callbacks):
    assert '<optgroup label="Your tags">' not in owner_client.get("/diary/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.user_tag_create(user=owner, name="Garden")
    assert '<option value="Garden">#Garden</option>' in owner_client.get("/diary/").content.decode()


# --- Renaming, merging and removing ---------------------------------------------------------------


def test_renaming_a_tag_changes_every_entry_and_the_list(owner_client, owner, outsider):
    first = _entry(owner, "one", tags=["walk", "Kasia"])
    second = _entry(owner, "two", tags=["Walk"])  # the same tag: one spelling is kept
    theirs = _entry(outsider, "theirs", tags=["walk"])
    response = owner_client.post("/diary/tags/", {"old": "walk", "new": "Spacer z psem"})
    assert response.status_code == 302 and response["Location"] == "/diary/tags/"
    for entry in (first, second, theirs):
        entry.refresh_from_db()
    assert first.tags == ["Spacer z psem", "Kasia"] and second.tags == ["Spacer z psem"]
    assert theirs.tags == ["walk"]  # another user's tag of the same name is theirs alone
    assert user_tag_names(user=owner) == ["Kasia", "Spacer z psem"]
    assert "2 entries changed" in owner_client.get("/diary/tags/").content.decode()


def test_a_tag_renamed_to_another_merges_into_it(owner_client, owner):
    both = _entry(owner, "both", tags=["run", "Running"])
    one = _entry(owner, "one", tags=["run"])
    owner_client.post("/diary/tags/", {"old": "run", "new": "running"})
    both.refresh_from_db()
    one.refresh_from_db()
    assert both.tags == ["Running"] and one.tags == ["Running"]  # the spelling of the tag merged into
    assert user_tag_names(user=owner) == ["Running"]


def test_a_tag_can_be_removed_everywhere(owner_client, owner):
    entry = _entry(owner, "one", tags=["old habit", "keep"])
    owner_client.post("/diary/tags/", {"old": "old habit", "remove": "1"})
    entry.refresh_from_db()
    assert entry.tags == ["keep"]
    assert user_tag_names(user=owner) == ["keep"]


def test_the_tags_page_lists_counts_and_refuses_bad_input_clearly(owner_client, owner, outsider):
    _entry(owner, "one", tags=["walk"])
    _entry(owner, "two", tags=["walk"])
    _entry(outsider, "theirs", tags=["secret"])
    page = owner_client.get("/diary/tags/").content.decode()
    assert "#</span>walk</a>" in page and "2 entries" in page and "secret" not in page
    for data, message in (
        ({"old": "walk", "new": "  "}, "Give the tag a new name, or remove it."),
        ({"old": "secret", "new": "mine"}, "You have no tag by that name."),  # another user's: not found
        ({"old": "walk", "new": "x" * 41}, "Keep each tag under 40 characters."),
    ):
        response = owner_client.post("/diary/tags/", data)
        assert response.status_code == 400 and message in response.content.decode()
    assert user_tag_names(user=owner) == ["walk"]
