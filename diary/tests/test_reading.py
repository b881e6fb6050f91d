"""Reading and finding: excerpts of the rendered text, derived titles, months, neighbours, search."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings

from diary import selectors, services
from diary.excerpts import excerpt_from_markdown, fold, highlight, search_words
from diary.models import DiaryEntry
from diary.selectors import EntryFilters
from diary.tests.factories import entry_at

pytestmark = pytest.mark.django_db

UTC_ZONE = ZoneInfo("UTC")
MARKDOWN = (
    "### Big news\n\n"
    "| what | how |\n|---|---|\n| sushi | good |\n\n"
    "<script>alert('x')</script>\n\n"
    "```\ncode()\n```\n\n"
    "We **celebrated** with [friends](https://example.com) and `tea`.\n"
    "<style>p{color:red}</style>"
)


def _create(user, content, title="", **fields):
    return services.entry_create(user=user, title=title, content=content, **fields)


# --- Excerpts ---------------------------------------------------------------------------------------


def test_excerpt_is_the_rendered_text_without_markup_tables_code_or_scripts():
    excerpt = excerpt_from_markdown(MARKDOWN)
    assert excerpt == "Big news\nWe celebrated with friends and tea."
    for noise in ("|", "---", "###", "alert", "code()", "color:red", "**", "]("):
        assert noise not in excerpt


@pytest.mark.parametrize("text", [
    "Just a quiet day.\nThen tea.\n\n  Another paragraph,   spaced out.  ",
    "Dziś było spokojnie; spacer nad rzeką.\n\nJutro praca.",
    "2024 was a year. 3 things: rest, walks, friends.",
])
def test_plain_prose_takes_the_short_way_to_the_same_excerpt(text, monkeypatch):
    from diary import excerpts

    fast = excerpts.excerpt_from_markdown(text)
    monkeypatch.setattr(excerpts, "_MARKUP", re.compile(r""))  # matches everything: always render
    assert excerpts.excerpt_from_markdown(text) == fast


def test_excerpt_is_cut_at_a_word_with_an_ellipsis():
    excerpt = excerpt_from_markdown("word " * 200, length=60)
    assert excerpt.endswith("…") and len(excerpt) <= 61 and "wor…" not in excerpt


@pytest.mark.parametrize("lines", [
    ["word " * 60, "next line"],  # the first line is cut
    ["word " * 47 + "wordy", "next line"],  # the first line fills the excerpt exactly
    ["A line that trails off…", "x" * 300],
    ["short", "word " * 60, "more"],
])
def test_a_cut_excerpt_ends_with_one_ellipsis(lines):
    from diary.excerpts import excerpt_from_lines

    excerpt = excerpt_from_lines(lines)
    assert excerpt.endswith("…") and "……" not in excerpt and ".…" not in excerpt and len(excerpt) <= 241


def test_excerpt_of_a_long_entry_reads_only_its_start():
    excerpt = excerpt_from_markdown("Start here.\n\n" + "```\n" + "x\n" * 5000)
    assert excerpt == "Start here."


def test_services_store_the_excerpt_on_create_and_update(owner):
    entry = _create(owner, "# Hello\n\nFirst *line*.")
    assert DiaryEntry.objects.get(pk=entry.pk).excerpt == "Hello\nFirst line."
    services.entry_update(entry=entry, data={"content": "Changed **now**."})
    assert DiaryEntry.objects.get(pk=entry.pk).excerpt == "Changed now."


def test_import_stores_the_excerpt(owner):
    from portability.imports import import_records
    from portability.readers import ImportRecord

    record = ImportRecord(
        title="", content="## Imported\n\ntext", mood=None, emotion_tags=[], exclude_from_ai=False,
        created_at=datetime(2024, 1, 1, tzinfo=UTC), source_id="x1",
    )
    import_records(user_id=owner.pk, records=[record])
    assert DiaryEntry.objects.get(user=owner).excerpt == "Imported\ntext"


def test_untitled_entry_shows_its_first_line_not_untitled(owner_client, owner):
    _create(owner, "Walked to the lake.\nThen coffee with Ana.")
    html = owner_client.get("/diary/").content.decode()
    assert "Untitled" not in html
    assert ">Walked to the lake.</a>" in html and "Then coffee with Ana." in html


def test_a_mood_alone_reads_as_a_check_in():
    entry = DiaryEntry(title="", excerpt="", mood=4)
    assert entry.display_title == "Check-in"
    assert DiaryEntry(title="", excerpt="").display_title == "Untitled"


def test_list_shows_no_markdown_source(owner_client, owner):
    _create(owner, MARKDOWN, title="Party")
    html = owner_client.get("/diary/").content.decode()
    assert "| what | how |" not in html and "### Big news" not in html and "alert(" not in html
    assert "Big news · We celebrated with friends and tea." in html


# --- Months and neighbours ----------------------------------------------------------------------------


def test_list_is_grouped_by_month_in_the_users_language_and_zone(owner_client, owner):
    owner.language, owner.timezone = "pl", "Europe/Warsaw"
    owner.save()
    entry_at(owner, "2024-03-01 00:30", "Europe/Warsaw")  # still February in UTC
    entry_at(owner, "2024-02-10 12:00", "Europe/Warsaw")
    html = owner_client.get("/diary/").content.decode()
    assert html.count('class="entry-month-title"') == 2
    assert html.index("marzec 2024") < html.index("luty 2024")  # Polish writes month names in lower case


def test_best_match_order_is_not_grouped(owner_client, owner):
    entry_at(owner, "2024-03-01 12:00", content="river")
    entry_at(owner, "2024-02-01 12:00", content="river river")
    html = owner_client.get("/diary/?q=river&sort=relevance").content.decode()
    assert 'class="entry-month-title"' not in html


def test_entry_page_links_older_and_newer(owner_client, owner):
    first = entry_at(owner, "2024-03-01 10:00", title="First")
    same_a = entry_at(owner, "2024-03-02 10:00", title="Second")
    same_b = entry_at(owner, "2024-03-02 10:00", title="Third")  # same moment: ordered by id
    last = entry_at(owner, "2024-03-03 10:00", title="Fourth")
    assert selectors.entry_neighbours(entry=same_a) == (first, same_b)
    assert selectors.entry_neighbours(entry=same_b) == (same_a, last)
    assert selectors.entry_neighbours(entry=first) == (None, same_a)
    assert selectors.entry_neighbours(entry=last) == (same_b, None)
    html = owner_client.get(f"/diary/{same_a.pk}/").content.decode()
    assert f'rel="prev" href="/diary/{first.pk}/"' in html and f'rel="next" href="/diary/{same_b.pk}/"' in html


def test_neighbours_never_cross_to_another_user(owner, outsider):
    mine = entry_at(owner, "2024-03-02 10:00")
    entry_at(outsider, "2024-03-01 10:00")
    entry_at(outsider, "2024-03-03 10:00")
    assert selectors.entry_neighbours(entry=mine) == (None, None)


# --- Search -------------------------------------------------------------------------------------------


def _found(user, q):
    return {e.title for e in selectors.entry_list(user=user, filters=EntryFilters(q=q), tz=UTC_ZONE)}


def test_every_word_must_match_not_the_phrase(owner):
    _create(owner, "We had sushi for dinner and then celebrated at home.", title="both")
    _create(owner, "Only sushi tonight.", title="one")
    assert _found(owner, "sushi celebrated") == {"both"}
    assert _found(owner, "celebrated sushi") == {"both"}
    assert _found(owner, "sushi") == {"both", "one"}


def test_accents_are_ignored_both_ways(owner):
    _create(owner, "Jestem dziś bardzo zmęczona.", title="tired")
    _create(owner, "Cafe latte", title="cafe")
    assert _found(owner, "zmeczona") == {"tired"}
    assert _found(owner, "ZMĘCZONA") == {"tired"}
    assert _found(owner, "dzis") == {"tired"}
    assert _found(owner, "café") == {"cafe"}


def test_word_forms_are_found(owner):
    _create(owner, "A long walk by the river.", title="walk")
    _create(owner, "Idę nad rzekę.", title="rzeka")
    assert _found(owner, "walking") == {"walk"}
    assert _found(owner, "walks") == {"walk"}
    assert _found(owner, "rzek") == {"rzeka"}  # Polish: a prefix stands in for a stemmer


def test_every_form_of_a_word_finds_the_others_in_both_languages(owner):
    _create(owner, "Rano byłam u lekarza.", title="doctor")
    _create(owner, "Myślę o pieniądzach i o pracy.", title="money")
    _create(owner, "Nie mam pieniędzy na wakacje.", title="money again")
    _create(owner, "The children were laughing.", title="children")
    assert _found(owner, "lekarzem") == {"doctor"}
    assert _found(owner, "Lekarz") == {"doctor"}
    assert _found(owner, "pieniądze") == {"money", "money again"}
    assert _found(owner, "pieniadze") == {"money", "money again"}  # typed without Polish marks
    assert _found(owner, "PIENIĄDZ pracy") == {"money"}
    assert _found(owner, "child") == {"children"}
    assert _found(owner, "laughed") == {"children"}
    assert _found(owner, "lekarzem pieniądze") == set()  # every word must still match


def test_word_forms_follow_every_edit(owner):
    entry = _create(owner, "Spotkanie z lekarzem.", title="visit")
    assert _found(owner, "lekarza") == {"visit"}
    services.entry_update(entry=entry, data={"content": "Spotkanie z dentystą."})
    assert _found(owner, "lekarza") == set()
    services.entry_update(entry=entry, data={"title": "Wizyta u lekarzy"})
    assert _found(owner, "lekarz") == {"Wizyta u lekarzy"}
    assert _found(owner, "dentysty") == {"Wizyta u lekarzy"}  # "dentystą": its form is the word as written


def test_the_highlight_marks_every_form_found(owner_client, owner):
    _create(owner, "Rano byłam u lekarza, potem znowu o pieniądzach.", title="Lekarze i pieniądze")
    html = owner_client.get("/diary/?q=lekarzem+pieniadze").content.decode()
    assert "<mark>Lekarze</mark> i <mark>pieniądze</mark>" in html
    assert "<mark>lekarza</mark>" in html and "<mark>pieniądzach</mark>" in html


def test_search_never_finds_another_users_entries(owner, outsider):
    _create(outsider, "sushi", title="theirs")
    assert _found(owner, "sushi") == set()


def test_punctuation_only_search_finds_nothing(owner):
    _create(owner, "anything")
    assert _found(owner, "&|!:*") == set()


def test_matches_are_highlighted_safely(owner_client, owner):
    _create(owner, "We celebrated <b>sushi</b> night, zmęczona.", title="Sushi & <i>friends</i>")
    html = owner_client.get("/diary/?q=sushi+zmeczona").content.decode()
    assert "<mark>Sushi</mark> &amp; &lt;i&gt;friends&lt;/i&gt;" in html
    assert "<mark>zmęczona</mark>" in html and "<mark>sushi</mark>" in html
    assert "<i>friends</i>" not in html


def test_highlight_escapes_and_marks_word_starts_and_stems():
    assert str(highlight("<walk> walked", search_words("walking"))) == "&lt;<mark>walk</mark>&gt; <mark>walked</mark>"
    assert str(highlight("Zosia", [])) == "Zosia"
    assert fold("Żółć Łódź") == "zolc lodz"


@override_settings(LANGUAGE_CODE="en")
def test_search_page_query_count(call_page, owner, django_assert_num_queries):
    from diary import views

    for i in range(25):
        _create(owner, f"sushi and more {i}", title=f"t{i}")
    # 1. the user's own tags for the filter (kept afterwards with the user's statistics)
    # 2. COUNT of the matching entries (the paginator)
    # 3. the page: list columns with the stored excerpt, LIMIT 20
    # 4. the first photo of each entry on the page (one query)
    with django_assert_num_queries(4):
        response = call_page(views.entry_list, owner, "/diary/", {"q": "sushi more"})
    assert response.status_code == 200 and response.content.count(b"<mark>sushi</mark>") == 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search column")
def test_search_index_keeps_its_name_on_the_blind_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'diary_entries' AND indexname = %s",
            ["ix_diary_entries_search"],
        )
        (definition,) = cursor.fetchone()
    assert "(search_index)" in definition and "gin" in definition.lower()
    assert "gin_pending_list_limit='256'" in definition  # searches read the whole pending list: kept short
