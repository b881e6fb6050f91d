"""On a table of 50,000 entries, the list, tag filter, search and neighbour queries are index scans.

PostgreSQL only: the planner's choice depends on the table's statistics, so
the test fills the table, runs ANALYZE and reads EXPLAIN for the exact
querysets the pages and the API run.
"""

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from diary import selectors
from diary.emotions import EMOTIONS
from diary.models import DiaryEntry
from diary.selectors import EntryFilters

pytestmark = pytest.mark.slow

ROWS = 50_000
USERS = 50
COMMON_TAGS = ["joy", "calm", "tired", "stressed", "grateful", "sadness", "anxious", "proud"]
WORDS = [
    "day", "work", "walk", "river", "coffee", "friend", "family", "sleep", "rain", "sun", "morning",
    "evening", "meeting", "tired", "happy", "calm", "dzień", "praca", "spacer", "rzeka", "kawa", "przyjaciel",
    "rodzina", "sen", "deszcz", "słońce", "rano", "wieczór", "spotkanie",
]
UTC_ZONE = ZoneInfo("UTC")


@pytest.fixture(scope="module")
def big_table(django_db_setup, django_db_blocker):
    """50,000 entries of 50 users, committed once for the module, with fresh statistics."""
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are checked on PostgreSQL")
    rng = random.Random(46)
    with django_db_blocker.unblock():
        users = User.objects.bulk_create(
            [User(username=f"bulk{i}", email=f"bulk{i}@example.com", password="!") for i in range(USERS)]
        )
        start = datetime(2020, 1, 1, tzinfo=UTC)
        batch = []
        for i in range(ROWS):
            tags = rng.sample(COMMON_TAGS, k=rng.randint(0, 2))
            words = rng.choices(WORDS, k=20)
            if i % 401 == 0:  # rare on purpose: about 125 rows in all, two or three per user
                tags.append("nostalgic")
                words += ["lighthouse", "latarnię", "lekarza"]
            batch.append(
                DiaryEntry(
                    user=users[i % USERS],
                    title=" ".join(rng.choices(WORDS, k=3)),
                    content=" ".join(words),
                    mood=rng.randint(1, 5),
                    emotion_tags=tags,
                    word_count=len(words),
                    created_at=start + timedelta(minutes=67 * i),
                )
            )
            if len(batch) == 5000:
                DiaryEntry.objects.bulk_create(batch)
                batch = []
        DiaryEntry.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE users")
            cursor.execute("ANALYZE diary_entries")
    yield users[7]
    with django_db_blocker.unblock():
        User.objects.filter(pk__in=[user.pk for user in users]).delete()


@pytest.fixture
def table(big_table, db):
    assert DiaryEntry.objects.filter(user__username__startswith="bulk").count() == ROWS
    return big_table


def _plan(queryset) -> str:
    return queryset.explain()


def _assert_indexed(plan: str, *indexes: str) -> None:
    """No sequential scan of diary_entries; one of its indexes is used (and these ones, when named).

    Which B-tree serves a user's newest entries (user_id + created_at, or
    created_at filtered by user) is the planner's call from the statistics;
    both are index scans. The GIN indexes are named where they must be used.
    """
    assert "Seq Scan on diary_entries" not in plan, plan
    assert "ix_diary_entries_" in plan, plan
    for index in indexes:
        assert index in plan, f"{index} not used:\n{plan}"


def _plan_of_sql(run) -> str:
    """EXPLAIN for the one query `run()` sends (for reads that are not a queryset, like count())."""
    with CaptureQueriesContext(connection) as captured:
        run()
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query["sql"])
        return "\n".join(row[0] for row in cursor.fetchall())


def test_list_page_and_its_count_are_index_scans(table):
    entries = selectors.entry_list(user=table, filters=EntryFilters(), tz=UTC_ZONE, order="relevance")
    _assert_indexed(_plan(entries[:20]))
    _assert_indexed(_plan(entries[900:920]))
    _assert_indexed(_plan_of_sql(entries.count))


def test_api_keyset_page_is_an_index_scan(table):
    entries = selectors.entry_list(user=table, filters=EntryFilters(), tz=UTC_ZONE, content=True)
    page = entries.filter(created_at__lt=datetime(2023, 6, 1, tzinfo=UTC)).order_by("-created_at", "-id")[:21]
    _assert_indexed(_plan(page))


def test_tag_filter_uses_the_gin_index(table):
    entries = selectors.entry_list(user=table, filters=EntryFilters(tag="nostalgic"), tz=UTC_ZONE)
    _assert_indexed(_plan(entries[:20]), "ix_diary_entries_emotion_tags")
    _assert_indexed(_plan_of_sql(entries.count), "ix_diary_entries_emotion_tags")


def test_common_tag_filter_is_still_an_index_scan(table):
    entries = selectors.entry_list(user=table, filters=EntryFilters(tag="joy"), tz=UTC_ZONE)
    plan = _plan(entries[:20])
    _assert_indexed(plan)
    assert "ix_diary_entries_" in plan


@pytest.mark.parametrize("order", ["newest", "relevance"])
def test_search_uses_the_full_text_index(table, order):
    entries = selectors.entry_list(user=table, filters=EntryFilters(q="lighthouse"), tz=UTC_ZONE, order=order)
    _assert_indexed(_plan(entries[:20]), "ix_diary_entries_search")
    _assert_indexed(_plan_of_sql(entries.count), "ix_diary_entries_search")
    assert len(entries) == len([e for e in entries if e.user_id == table.pk]) > 0


@pytest.mark.parametrize(
    "q", ["lighthouse river", "latarnie", "LATARNIĘ lighthouses", "latar", "lekarzem", "lekarzowi"],
)
def test_rare_words_unaccented_and_stemmed_use_the_full_text_index(table, q):
    entries = selectors.entry_list(user=table, filters=EntryFilters(q=q), tz=UTC_ZONE)
    _assert_indexed(_plan(entries[:20]), "ix_diary_entries_search")
    _assert_indexed(_plan_of_sql(entries.count), "ix_diary_entries_search")
    assert entries.count() > 0


@pytest.mark.parametrize("q", ["wieczor słonce", "walking", "rzek kawa"])
def test_common_words_are_still_index_scans(table, q):
    # Half of a user's entries match: walking the user's newest entries and
    # checking the stored vector is the planner's better choice here.
    entries = selectors.entry_list(user=table, filters=EntryFilters(q=q), tz=UTC_ZONE)
    _assert_indexed(_plan(entries[:20]))
    _assert_indexed(_plan_of_sql(entries.count))


def test_accents_and_word_forms_are_found_at_scale(table):
    def found(q):
        return selectors.entry_list(user=table, filters=EntryFilters(q=q), tz=UTC_ZONE).count()

    assert found("wieczor") == found("wieczór") > 0
    assert found("walking") == found("walk") > 0
    assert found("lekarzem") == found("lekarza") == found("lekarz") == found("lighthouse") > 0


def test_entry_neighbours_are_index_probes(table):
    entry = DiaryEntry.objects.filter(user=table).order_by("created_at")[500]
    with CaptureQueriesContext(connection) as captured:
        older, newer = selectors.entry_neighbours(entry=entry)
    assert older.created_at < entry.created_at < newer.created_at
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    _assert_indexed(plan, "ix_diary_entries_user_created", "diary_entries_pkey")
    # Each probe starts at the entry, not at the user's newest row.
    assert "Index Cond: ((user_id = " in plan and "created_at <=" in plan and "created_at >=" in plan, plan


def test_search_with_tag_and_dates_stays_indexed(table):
    filters = EntryFilters(q="lighthouse", tag="nostalgic", mood=3, date_from=datetime(2021, 1, 1).date())
    entries = selectors.entry_list(user=table, filters=filters, tz=UTC_ZONE)
    _assert_indexed(_plan(entries[:20]))


def test_calendar_month_is_an_index_scan(table):
    month = DiaryEntry.objects.filter(
        user=table,
        created_at__gte=datetime(2022, 5, 1, tzinfo=UTC),
        created_at__lt=datetime(2022, 6, 1, tzinfo=UTC),
    )
    _assert_indexed(_plan(month))
    days = selectors.calendar_month(user=table, year=2022, month=5, tz=UTC_ZONE)
    assert sum(day.count for day in days.values()) == month.count()


def test_the_vocabulary_covers_the_generated_tags():
    assert set(COMMON_TAGS) | {"nostalgic"} <= set(EMOTIONS)
