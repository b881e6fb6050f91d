from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from diary import services
from diary.cache import stats_key
from diary.models import DiaryEntry
from diary.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


def test_create_sets_word_count_and_defaults(owner):
    before = timezone.now()
    entry = services.entry_create(user=owner, content="Walked by the river, felt calm. Didn't rush.")
    entry.refresh_from_db()
    assert entry.user == owner
    assert entry.word_count == 8
    assert entry.title == "" and entry.mood is None and entry.emotion_tags == [] and not entry.exclude_from_ai
    assert before <= entry.created_at <= timezone.now()


def test_create_keeps_every_given_field(owner):
    when = timezone.now() - timedelta(days=1)
    entry = services.entry_create(
        user=owner,
        title="  Yesterday  ",
        content="A day to remember.",
        mood=5,
        emotion_tags=["joy", "grateful", "joy"],
        exclude_from_ai=True,
        created_at=when,
    )
    entry.refresh_from_db()
    assert (entry.title, entry.mood, entry.emotion_tags, entry.exclude_from_ai, entry.created_at) == (
        "Yesterday", 5, ["joy", "grateful"], True, when
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"emotion_tags": ["joy", "hangry"]}, "emotion_tags"),
        ({"emotion_tags": "joy"}, "emotion_tags"),
        ({"emotion_tags": [1]}, "emotion_tags"),
        ({"mood": 0}, "mood"),
        ({"mood": 9}, "mood"),
        ({"mood": True}, "mood"),
        ({"mood": "3"}, "mood"),
        ({"content": "   \n "}, "content"),
        ({"content": "x" * (services.CONTENT_MAX_LENGTH + 1)}, "content"),
        ({"content": "null \x00 byte"}, "content"),
        ({"title": "t" * 201}, "title"),
        ({"created_at": datetime(1899, 12, 31, tzinfo=UTC)}, "created_at"),
        ({"created_at": timezone.now() + timedelta(days=3)}, "created_at"),
        ({"created_at": "2024-01-01"}, "created_at"),
    ],
)
def test_create_refuses_bad_input_and_names_the_field(owner, fields, field):
    with pytest.raises(ValidationError) as raised:
        services.entry_create(user=owner, **{"content": "Some text.", **fields})
    assert field in raised.value.message_dict
    assert not DiaryEntry.objects.exists()


def test_unknown_emotion_error_names_the_code(owner):
    with pytest.raises(ValidationError) as raised:
        services.entry_create(user=owner, content="x", emotion_tags=["hangry"])
    assert "hangry" in raised.value.message_dict["emotion_tags"][0]


def test_all_errors_come_at_once(owner):
    with pytest.raises(ValidationError) as raised:
        services.entry_create(user=owner, content="", mood=9, emotion_tags=["nope"])
    assert set(raised.value.message_dict) == {"content", "mood", "emotion_tags"}


def test_year_one_far_east_is_a_validation_error_not_an_overflow(owner):
    from zoneinfo import ZoneInfo

    with pytest.raises(ValidationError):
        services.entry_create(
            user=owner, content="x", created_at=datetime(1, 1, 1, tzinfo=ZoneInfo("Pacific/Kiritimati"))
        )


def test_naive_date_is_read_in_the_current_time_zone(owner):
    with timezone.override("Europe/Warsaw"):
        entry = services.entry_create(user=owner, content="x", created_at=datetime(2024, 7, 1, 12, 0))
    assert entry.created_at == datetime(2024, 7, 1, 10, 0, tzinfo=UTC)


def test_update_changes_only_given_fields_and_recounts_words(owner):
    entry = EntryFactory(user=owner, title="Old", content="one two", mood=2, emotion_tags=["tired"])
    services.entry_update(entry=entry, data={"content": "one two three four"})
    entry.refresh_from_db()
    assert (entry.title, entry.content, entry.word_count, entry.mood, entry.emotion_tags) == (
        "Old", "one two three four", 4, 2, ["tired"]
    )


def test_update_validates_and_leaves_the_row_alone(owner):
    entry = EntryFactory(user=owner, mood=2, emotion_tags=["tired"])
    with pytest.raises(ValidationError):
        services.entry_update(entry=entry, data={"mood": 9, "emotion_tags": ["joy"]})
    entry.refresh_from_db()
    assert (entry.mood, entry.emotion_tags) == (2, ["tired"])


def test_update_refuses_fields_it_does_not_own(owner):
    entry = EntryFactory(user=owner)
    with pytest.raises(TypeError):
        services.entry_update(entry=entry, data={"user": owner, "word_count": 1})


def test_update_without_changes_writes_nothing(owner, django_assert_num_queries):
    entry = EntryFactory(user=owner, title="Same", mood=3)
    with django_assert_num_queries(0):
        services.entry_update(entry=entry, data={"title": "Same", "mood": 3})


def test_delete_removes_the_entry(owner):
    entry = EntryFactory(user=owner)
    services.entry_delete(entry=entry)
    assert not DiaryEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("write", ["create", "update", "delete"])
def test_every_write_invalidates_statistics_after_commit(owner, write, django_capture_on_commit_callbacks):
    entry = EntryFactory(user=owner)
    key = stats_key(user_id=owner.pk, name="overview")
    with mock.patch("diary.services.user_stats_invalidate", wraps=services.user_stats_invalidate) as invalidate:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            if write == "create":
                services.entry_create(user=owner, content="New text.")
            elif write == "update":
                services.entry_update(entry=entry, data={"mood": 1})
            else:
                services.entry_delete(entry=entry)
        invalidate.assert_not_called()  # nothing before the commit
        assert len(callbacks) == 1
        callbacks[0]()
        invalidate.assert_called_once_with(user_id=owner.pk)
    assert stats_key(user_id=owner.pk, name="overview") != key


def test_failed_write_does_not_invalidate(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        services.entry_create(user=owner, content="x", mood=0)
    assert callbacks == []


def test_word_count_counts_contractions_and_hyphens_once():
    assert services.word_count("Don't over-think it — it's fine.\n\n- one\n- two") == 7
