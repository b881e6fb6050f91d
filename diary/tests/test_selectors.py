from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict

from diary import selectors, services
from diary.excerpts import EXCERPT_LENGTH
from diary.selectors import EntryFilters, entry_filters_parse
from diary.tests.factories import EntryFactory, entry_at

UTC = ZoneInfo("UTC")
WARSAW = ZoneInfo("Europe/Warsaw")


def _ids(queryset):
    return [entry.pk for entry in queryset]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("tag=hangry", "tag"),
        ("mood=0", "mood"),
        ("mood=9", "mood"),
        ("mood=good", "mood"),
        ("from=2024-13-01", "from"),
        ("from=yesterday", "from"),
        ("to=0001-01-01", "to"),
        ("to=9999-12-31", "to"),
        ("from=2024-05-02&to=2024-05-01", "to"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_filters_are_refused_by_name(query, field):
    with pytest.raises(ValidationError) as raised:
        entry_filters_parse(params=QueryDict(query))
    assert field in raised.value.message_dict


def test_good_filters_are_parsed():
    filters = entry_filters_parse(params=QueryDict("q=+river+&tag=calm&mood=4&from=2024-05-01&to=2024-05-31"))
    assert filters == EntryFilters(
        q="river", tag="calm", mood=4, date_from=date(2024, 5, 1), date_to=date(2024, 5, 31)
    )
    assert filters.active
    assert not entry_filters_parse(params=QueryDict("q=&tag=&mood=")).active


def test_null_characters_in_a_search_are_dropped():
    assert entry_filters_parse(params=QueryDict("q=ri%00ver")).q == "river"


@pytest.mark.django_db
def test_list_is_the_users_own_newest_first(owner, outsider):
    old = entry_at(owner, "2024-01-01 10:00")
    new = entry_at(owner, "2024-03-01 10:00")
    same_time = entry_at(owner, "2024-03-01 10:00")
    entry_at(outsider, "2024-02-01 10:00")
    assert _ids(selectors.entry_list(user=owner, filters=EntryFilters(), tz=UTC)) == [same_time.pk, new.pk, old.pk]


@pytest.mark.django_db
def test_list_leaves_content_in_the_database_and_brings_an_excerpt(owner):
    services.entry_create(user=owner, title="", content="# Heading\n\n**Bold** start. " + "word " * 500)
    entry = selectors.entry_list(user=owner, filters=EntryFilters(), tz=UTC)[0]
    assert "content" in entry.get_deferred_fields() and "excerpt" not in entry.get_deferred_fields()
    assert entry.display_title == "Heading"
    assert entry.display_excerpt.startswith("Bold start. word") and entry.display_excerpt.endswith("…")
    assert len(entry.excerpt) <= EXCERPT_LENGTH + 1


@pytest.mark.django_db
def test_list_with_content_brings_the_content(owner):
    EntryFactory(user=owner, content="full text")
    entry = selectors.entry_list(user=owner, filters=EntryFilters(), tz=UTC, content=True)[0]
    assert "content" not in entry.get_deferred_fields()


@pytest.mark.django_db
def test_tag_filter_matches_whole_codes_only(owner):
    calm = EntryFactory(user=owner, emotion_tags=["joy", "calm"])
    EntryFactory(user=owner, emotion_tags=["content"])
    EntryFactory(user=owner, emotion_tags=[])
    assert _ids(selectors.entry_list(user=owner, filters=EntryFilters(tag="calm"), tz=UTC)) == [calm.pk]
    # "content" is also a word in every entry's text: only the tag counts.
    assert len(selectors.entry_list(user=owner, filters=EntryFilters(tag="content"), tz=UTC)) == 1


@pytest.mark.django_db
def test_mood_filter(owner):
    good = EntryFactory(user=owner, mood=4)
    EntryFactory(user=owner, mood=2)
    EntryFactory(user=owner, mood=None)
    assert _ids(selectors.entry_list(user=owner, filters=EntryFilters(mood=4), tz=UTC)) == [good.pk]


@pytest.mark.django_db
def test_date_range_is_read_in_the_users_time_zone(owner):
    # 23:30 in Warsaw on 1 May is 21:30 UTC: it belongs to 1 May for a Warsaw user.
    late = entry_at(owner, "2024-05-01 23:30", "Europe/Warsaw")
    early = entry_at(owner, "2024-05-02 00:30", "Europe/Warsaw")
    entry_at(owner, "2024-04-30 23:59", "Europe/Warsaw")
    filters = EntryFilters(date_from=date(2024, 5, 1), date_to=date(2024, 5, 1))
    assert _ids(selectors.entry_list(user=owner, filters=filters, tz=WARSAW)) == [late.pk]
    filters = EntryFilters(date_from=date(2024, 5, 2))
    assert _ids(selectors.entry_list(user=owner, filters=filters, tz=WARSAW)) == [early.pk]


@pytest.mark.django_db
def test_search_finds_words_in_title_and_content(owner, outsider):
    in_title = EntryFactory(user=owner, title="River walk", content="Quiet evening.")
    in_content = EntryFactory(user=owner, title="Tuesday", content="We swam in the river today.")
    EntryFactory(user=owner, title="Work", content="Long meeting.")
    EntryFactory(user=outsider, title="River", content="river river")
    found = _ids(selectors.entry_list(user=owner, filters=EntryFilters(q="river"), tz=UTC))
    assert sorted(found) == sorted([in_title.pk, in_content.pk])


@pytest.mark.django_db
def test_search_works_for_polish_words(owner):
    entry = EntryFactory(user=owner, title="Spacer", content="Dziś był spokojny dzień nad rzeką.")
    EntryFactory(user=owner, content="Zupełnie inny tekst.")
    assert _ids(selectors.entry_list(user=owner, filters=EntryFilters(q="rzeką"), tz=UTC)) == [entry.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "found"), [("rzek", True), ("walk", True), ("river walk", True), ("Walking", True),
                                          ("riv wal", True), ("!!!", False), ("sea", False)])
def test_search_matches_word_beginnings(owner, q, found):
    entry = EntryFactory(user=owner, title="", content="Walking by the river walk. Dziś nad rzeką.")
    ids = _ids(selectors.entry_list(user=owner, filters=EntryFilters(q=q), tz=UTC))
    assert ids == ([entry.pk] if found else [])


@pytest.mark.django_db
def test_filters_combine(owner):
    match = entry_at(owner, "2024-05-03 12:00", mood=4, emotion_tags=["calm"], content="river")
    entry_at(owner, "2024-05-03 12:00", mood=3, emotion_tags=["calm"], content="river")
    entry_at(owner, "2024-05-03 12:00", mood=4, emotion_tags=["joy"], content="river")
    entry_at(owner, "2024-06-03 12:00", mood=4, emotion_tags=["calm"], content="river")
    entry_at(owner, "2024-05-03 12:00", mood=4, emotion_tags=["calm"], content="sea")
    filters = EntryFilters(q="river", tag="calm", mood=4, date_from=date(2024, 5, 1), date_to=date(2024, 5, 31))
    assert _ids(selectors.entry_list(user=owner, filters=filters, tz=UTC)) == [match.pk]


@pytest.mark.django_db
def test_get_for_user_is_404_for_others_and_nonsense(owner, outsider):
    entry = EntryFactory(user=owner)
    assert selectors.entry_get_for_user(user=owner, entry_id=entry.pk) == entry
    for user, entry_id in [(outsider, entry.pk), (owner, entry.pk + 1000), (owner, 0), (owner, 2**70)]:
        with pytest.raises(Http404):
            selectors.entry_get_for_user(user=user, entry_id=entry_id)


@pytest.mark.django_db
def test_on_this_day_takes_earlier_years_in_the_users_time_zone(owner, outsider):
    tz = "Pacific/Auckland"
    one_year = entry_at(owner, "2025-11-26 00:15", tz)  # still 25 Nov in UTC
    three_years = entry_at(owner, "2023-11-26 23:45", tz)
    entry_at(owner, "2025-11-25 23:59", tz)
    entry_at(owner, "2025-11-27 00:00", tz)
    entry_at(owner, "2026-11-26 08:00", tz)  # today: not "on this day"
    entry_at(outsider, "2025-11-26 12:00", tz)
    found = selectors.entry_list_on_this_day(user=owner, today=date(2026, 11, 26), tz=ZoneInfo(tz))
    assert _ids(found) == [one_year.pk, three_years.pk]
    assert "content" in found[0].get_deferred_fields()


@pytest.mark.django_db
def test_on_this_day_on_28_february_includes_29_february(owner):
    leap = entry_at(owner, "2024-02-29 10:00")
    same = entry_at(owner, "2023-02-28 10:00")
    found = selectors.entry_list_on_this_day(user=owner, today=date(2025, 2, 28), tz=UTC)
    assert _ids(found) == [leap.pk, same.pk]


@pytest.mark.django_db
def test_on_this_day_is_empty_without_earlier_entries(owner, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.entry_list_on_this_day(user=owner, today=date(2026, 1, 1), tz=UTC) == []


@pytest.mark.django_db
def test_calendar_month_counts_and_averages_per_local_day(owner, outsider):
    tz = "America/New_York"
    entry_at(owner, "2024-05-01 21:00", tz, mood=2)  # 2 May in UTC
    entry_at(owner, "2024-05-01 08:00", tz, mood=5)
    entry_at(owner, "2024-05-02 08:00", tz, mood=None)
    entry_at(owner, "2024-05-31 23:30", tz, mood=4)
    entry_at(owner, "2024-06-01 00:30", tz, mood=1)
    entry_at(outsider, "2024-05-01 08:00", tz, mood=1)
    days = selectors.calendar_month(user=owner, year=2024, month=5, tz=ZoneInfo(tz))
    assert sorted(days) == [date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 31)]
    assert (days[date(2024, 5, 1)].count, days[date(2024, 5, 1)].mood_average) == (2, 3.5)
    assert days[date(2024, 5, 1)].mood_step == 4
    assert days[date(2024, 5, 2)].mood_step is None
    assert days[date(2024, 5, 31)].mood_step == 4


@pytest.mark.django_db
def test_calendar_handles_december(owner):
    entry_at(owner, "2024-12-31 12:00", mood=3)
    assert list(selectors.calendar_month(user=owner, year=2024, month=12, tz=UTC)) == [date(2024, 12, 31)]
