"""Statistics are cached per user for five minutes and never outlive a change to the entries."""

import io
import json
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from accounts import keys
from diary.cache import STATS_TIMEOUT, user_stats_invalidate
from diary.models import DiaryEntry
from diary.tests.factories import EntryFactory
from insights.stats import stats_for_user
from portability.imports import import_start


def _entries(user) -> int:
    return stats_for_user(user=user, days=30)["totals"]["entries"]


def _upload(payload: dict, name: str = "export.json") -> io.BytesIO:
    upload = io.BytesIO(json.dumps(payload).encode())
    upload.name, upload.size = name, len(upload.getvalue())
    return upload


def test_statistics_are_cached_for_five_minutes(owner, monkeypatch, django_assert_num_queries):
    timeouts = []
    real_cached = keys.cached  # what cached_sealed keeps them with (they name own tags: docs/encryption.md)
    monkeypatch.setattr(
        keys, "cached", lambda key, timeout, compute, **kw: timeouts.append(timeout) or real_cached(
            key, timeout, compute, **kw)
    )
    EntryFactory(user=owner)
    stats_for_user(user=owner, days=30)
    with django_assert_num_queries(0):
        stats_for_user(user=owner, days=30)
    assert timeouts == [STATS_TIMEOUT, STATS_TIMEOUT] and STATS_TIMEOUT == 300


def test_cached_statistics_hold_no_diary_text(owner):
    EntryFactory(user=owner, content="a very private sentence", title="secret title")
    stats = stats_for_user(user=owner, days=30)
    assert "private" not in repr(stats) and "secret" not in repr(stats)


def test_new_entry_shows_at_once(owner):
    assert _entries(owner) == 0
    EntryFactory(user=owner)
    assert _entries(owner) == 1


def test_edited_entry_shows_at_once(owner):
    entry = EntryFactory(user=owner, mood=2)
    assert stats_for_user(user=owner, days=7)["totals"]["mood_average"] == 2.0
    entry.mood = 5
    entry.save()
    assert stats_for_user(user=owner, days=7)["totals"]["mood_average"] == 5.0


def test_moved_entry_leaves_the_period_at_once(owner):
    entry = EntryFactory(user=owner)
    assert _entries(owner) == 1
    entry.created_at = timezone.now() - timedelta(days=100)
    entry.save()
    assert _entries(owner) == 0


def test_deleting_through_a_write_that_invalidates_shows_at_once(owner):
    entry = EntryFactory(user=owner)
    assert _entries(owner) == 1
    DiaryEntry.objects.filter(pk=entry.pk).delete()
    user_stats_invalidate(user_id=owner.pk)  # what every delete in the diary's services does
    assert _entries(owner) == 0


def test_import_shows_at_once(owner):
    assert _entries(owner) == 0
    import_start(
        user=owner,
        upload=_upload(
            {
                "format": "journal-export",
                "version": 1,
                "entries": [{"content": "imported", "created_at": timezone.now().isoformat()}],
            }
        ),
    )
    assert _entries(owner) == 1


def test_changing_time_zone_recomputes(owner):
    now = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    EntryFactory(user=owner, created_at=datetime(2024, 3, 10, 11, 0, tzinfo=UTC))
    before = stats_for_user(user=owner, days=7, now=now)
    assert before["end"] == date(2024, 3, 10) and before["daily"][-1]["entries"] == 1
    owner.timezone = "Pacific/Kiritimati"  # 14 hours ahead: it is 03-11 there, and so is the entry
    after = stats_for_user(user=owner, days=7, now=now)
    assert after["timezone"] == "Pacific/Kiritimati"
    assert after["end"] == date(2024, 3, 11) and after["daily"][-1]["entries"] == 1


def test_another_users_write_keeps_my_cache(owner, outsider, django_assert_num_queries):
    EntryFactory(user=owner)
    stats_for_user(user=owner, days=30)
    EntryFactory(user=outsider)
    with django_assert_num_queries(0):
        assert _entries(owner) == 1


def test_a_new_day_is_a_new_key(owner):
    EntryFactory(user=owner)
    today = stats_for_user(user=owner, days=7)
    tomorrow = stats_for_user(user=owner, days=7, now=timezone.now() + timedelta(days=1))
    assert tomorrow["end"] == today["end"] + timedelta(days=1)


def test_every_kind_of_change_through_the_entries_api_shows_at_once(
    owner_api, owner, django_capture_on_commit_callbacks
):
    # The entry services invalidate after the commit, as in production.
    assert _entries(owner) == 0
    with django_capture_on_commit_callbacks(execute=True):
        created = owner_api.post(
            "/api/v1/entries/", {"title": "t", "content": "one two", "mood": 2, "emotion_tags": ["joy"]}, format="json"
        )
    assert created.status_code == 201, created.content
    assert _entries(owner) == 1
    entry_id = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_api.patch(f"/api/v1/entries/{entry_id}/", {"mood": 5}, format="json").status_code == 200
    assert stats_for_user(user=owner, days=30)["totals"]["mood_average"] == 5.0
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_api.delete(f"/api/v1/entries/{entry_id}/").status_code == 204
    assert _entries(owner) == 0


def test_the_cached_page_shows_a_change_at_once(owner_client, owner):
    EntryFactory(user=owner, content=" ".join(["w"] * 1234))
    assert b"1,234" in owner_client.get("/insights/").content
    EntryFactory(user=owner, content=" ".join(["w"] * 1000))
    assert b"2,234" in owner_client.get("/insights/").content


def test_the_cached_page_is_kept_per_language(owner_client, owner):
    EntryFactory(user=owner)
    assert b"Entries per day" in owner_client.get("/insights/").content
    owner.language = "pl"
    owner.save()
    polish = owner_client.get("/insights/", HTTP_ACCEPT_LANGUAGE="pl")
    assert b"Wpisy dziennie" in polish.content and b"Entries per day" not in polish.content
