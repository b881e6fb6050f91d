from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from diary import views
from diary.tests.factories import EntryFactory, entry_at

pytestmark = pytest.mark.django_db


def _entries(user, count, **fields):
    now = timezone.now()
    return [EntryFactory(user=user, created_at=now - timedelta(hours=i), **fields) for i in range(count)]


def test_visitor_is_sent_to_sign_in(client):
    response = client.get("/diary/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/diary/")


def test_list_shows_twenty_newest_first_with_date_title_mood_tags_and_excerpt(owner_client, owner):
    entries = _entries(owner, 25, mood=5, emotion_tags=["grateful"], content="Thankful for **small** things.")
    response = owner_client.get("/diary/")
    assert response.status_code == 200
    page = response.context["page"]
    assert [e.pk for e in page.object_list] == [e.pk for e in entries[:20]]
    html = response.content.decode()
    assert entries[0].title in html and entries[19].title in html and entries[20].title not in html
    assert html.index(entries[0].title) < html.index(entries[1].title)
    assert "great" in html and 'href="/diary/?tag=grateful"' in html
    assert "Thankful for small things." in html
    assert '<time class="entry-date" datetime="' in html
    assert "Page 1 of 2" in html and "page=2" in html


def test_second_page(owner_client, owner):
    entries = _entries(owner, 25)
    response = owner_client.get("/diary/?page=2")
    assert [e.pk for e in response.context["page"].object_list] == [e.pk for e in entries[20:]]


def test_only_the_owners_entries_are_listed(owner_client, owner, outsider):
    EntryFactory(user=outsider, title="Not yours")
    EntryFactory(user=owner, title="Yours")
    html = owner_client.get("/diary/").content.decode()
    assert "Yours" in html and "Not yours" not in html


def test_filters_reach_the_list_and_stay_in_the_form(owner_client, owner):
    entry_at(owner, "2024-05-03 12:00", title="Match", mood=4, emotion_tags=["calm"], content="river")
    entry_at(owner, "2024-05-03 12:00", title="Wrong mood", mood=2, emotion_tags=["calm"], content="river")
    response = owner_client.get("/diary/?q=river&tag=calm&mood=4&from=2024-05-01&to=2024-05-31")
    assert response.status_code == 200
    assert [e.title for e in response.context["page"].object_list] == ["Match"]
    html = response.content.decode()
    assert 'value="river"' in html and '<option value="calm" selected>' in html
    assert '<option value="4" selected>' in html and 'value="2024-05-01"' in html
    assert "1 entry found" in html


def test_pagination_links_keep_the_filters(owner_client, owner):
    _entries(owner, 21, emotion_tags=["calm"])
    html = owner_client.get("/diary/?tag=calm").content.decode()
    assert "?tag=calm&amp;page=2" in html


@pytest.mark.parametrize("query", ["tag=hangry", "mood=0", "mood=9", "from=2024-02-30", "to=0001-01-01",
                                   "from=2024-05-02&to=2024-05-01", "page=abc", "page=0", "page=-1",
                                   "page=99999999999999999999", "q=x&sort=oldest", "page=%C2%B2"])
def test_bad_query_is_a_400_that_explains_and_keeps_the_input(owner_client, owner, query):
    EntryFactory(user=owner)
    response = owner_client.get(f"/diary/?{query}")
    assert response.status_code == 400
    assert response.context["errors"]
    assert b'class="form-errors diary-errors"' in response.content


def test_search_is_newest_first_unless_best_match_is_asked_for(owner_client, owner):
    older = entry_at(owner, "2024-01-01 10:00", title="River river river", content="river")
    newer = entry_at(owner, "2024-02-01 10:00", title="Walk", content="a walk, then the river")
    response = owner_client.get("/diary/?q=river")
    assert [e.pk for e in response.context["page"].object_list] == [newer.pk, older.pk]
    assert b'name="sort"' in response.content
    response = owner_client.get("/diary/?q=river&sort=relevance")
    assert response.status_code == 200
    found = [e.pk for e in response.context["page"].object_list]
    assert sorted(found) == sorted([older.pk, newer.pk])
    if connection.vendor == "postgresql":
        assert found == [older.pk, newer.pk]  # more mentions rank higher
    assert b'<option value="relevance" selected>' in response.content


def test_page_past_the_end_is_a_404_with_a_way_back(owner_client, owner):
    _entries(owner, 3)
    response = owner_client.get("/diary/?page=7")
    assert response.status_code == 404
    assert b"There is no page 7 here." in response.content and b"page=1" in response.content


def test_empty_diary_invites_the_first_entry(owner_client):
    response = owner_client.get("/diary/")
    assert response.status_code == 200 and b"Write the first entry" in response.content


def test_no_match_says_so(owner_client, owner):
    EntryFactory(user=owner, mood=4)
    response = owner_client.get("/diary/?mood=1")
    assert response.status_code == 200 and b"No entries match these filters." in response.content


@pytest.mark.parametrize("count", [1, 45])
def test_list_page_query_count_does_not_grow(call_page, owner, count, django_assert_num_queries):
    _entries(owner, count, emotion_tags=["calm", "joy"])
    # 1. the user's own tags for the filter (then kept with the user's statistics)
    # 2. COUNT of the user's matching entries (the paginator)
    # 3. the page: id, title, stored excerpt, mood, tags, dates, LIMIT 20
    # 4. the first photo of each entry on the page, for the cards (one query, however many)
    with django_assert_num_queries(4):
        response = call_page(views.entry_list, owner, "/diary/")
    assert response.status_code == 200
    with django_assert_num_queries(3):  # the tags are kept
        response = call_page(views.entry_list, owner, "/diary/")


def test_filtered_list_page_query_count(call_page, owner, django_assert_num_queries):
    _entries(owner, 30, emotion_tags=["calm"], mood=4)
    with django_assert_num_queries(4):  # the own tags (kept afterwards), the count, the page, its photos
        response = call_page(views.entry_list, owner, "/diary/", {"q": "quiet", "tag": "calm", "mood": "4"})
    assert response.status_code == 200


def test_list_page_never_loads_full_content(call_page, owner, django_assert_num_queries):
    _entries(owner, 3)
    with django_assert_num_queries(4) as captured:
        call_page(views.entry_list, owner, "/diary/")
    columns = captured.captured_queries[-2]["sql"].split(" FROM ")[0]  # the page (the last: its photos)
    # The stored plain-text excerpt, never the content.
    assert '"diary_entries"."excerpt"' in columns and '"diary_entries"."content"' not in columns
