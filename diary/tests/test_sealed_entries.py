"""Entries are sealed at rest and found through a blind index (docs/encryption.md, docs/reading.md)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from accounts import keys
from diary import sealing, services
from diary.models import DiaryEntry
from diary.search import entry_index, entry_search_index
from diary.selectors import EntryFilters, entry_list
from journal_site import encryption

pytestmark = pytest.mark.django_db

UTC_ZONE = ZoneInfo("UTC")


def _raw(pk: int, *columns: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM diary_entries WHERE id = %s", [pk])
        return cursor.fetchone()


def _found(user, q: str) -> list[int]:
    return [entry.pk for entry in entry_list(user=user, filters=EntryFilters(q=q), tz=UTC_ZONE)]


def test_title_text_and_excerpt_are_stored_sealed_and_read_back(owner):
    entry = services.entry_create(user=owner, title="Nad rzeką", content="Spacer **z psem** nad rzeką.")
    title, content, excerpt, index = _raw(entry.pk, "title", "content", "excerpt", "search_index")
    for stored in (title, content, excerpt):
        assert stored.startswith(encryption.PREFIX) and "rzek" not in stored
    assert "rzek" not in str(index)
    fresh = DiaryEntry.objects.get(pk=entry.pk)
    assert (fresh.title, fresh.content, fresh.excerpt) == ("Nad rzeką", "Spacer **z psem** nad rzeką.",
                                                           "Spacer z psem nad rzeką.")


def test_a_sealed_title_moved_to_another_row_does_not_open(owner):
    first = services.entry_create(user=owner, title="Mine", content="one")
    second = services.entry_create(user=owner, title="Other", content="two")
    (title,) = _raw(first.pk, "title")
    with connection.cursor() as cursor:  # the owner is bound, and the column: a text moved to a title fails
        cursor.execute("UPDATE diary_entries SET title = %s WHERE id = %s", [_raw(first.pk, "content")[0], second.pk])
    with pytest.raises(keys.CannotOpen):
        str(DiaryEntry.objects.get(pk=second.pk).title)
    assert title.startswith(encryption.PREFIX)


def test_the_index_is_keyed_per_user_and_never_by_the_sealing_key(owner, outsider):
    mine = entry_search_index(user_id=owner.pk, title="", content="river")
    theirs = entry_search_index(user_id=outsider.pk, title="", content="river")
    assert mine and theirs and not set(mine) & set(theirs)
    _version, sealing_key = keys.data_key_current(user_id=owner.pk)
    assert keys.search_key(user_id=owner.pk) != sealing_key
    assert entry_index(key=sealing_key, title="", content="river") != mine


def test_the_index_follows_every_edit(owner):
    entry = services.entry_create(user=owner, title="", content="A quiet lighthouse.")
    assert _found(owner, "lighthouse") == [entry.pk]
    services.entry_update(entry=entry, data={"content": "A busy harbour."})
    assert _found(owner, "lighthouse") == [] and _found(owner, "harbour") == [entry.pk]
    services.entry_update(entry=entry, data={"title": "Lighthouse"})
    assert _found(owner, "lighthouse") == [entry.pk]


def test_the_tag_filter_follows_every_edit_in_any_letter_case(owner):
    entry = services.entry_create(user=owner, content="x", tags=["Walk"])
    services.entry_update(entry=entry, data={"tags": ["Swim"]})
    def tagged(name):
        return [e.pk for e in entry_list(user=owner, filters=EntryFilters(own_tag=name), tz=UTC_ZONE)]

    assert tagged("walk") == [] and tagged("SWIM") == [entry.pk]
    (stored,) = _raw(entry.pk, "tags")
    assert stored.startswith(encryption.PREFIX) and "Swim" not in stored


def test_best_match_puts_entries_with_the_words_in_their_title_first(owner):
    in_text = services.entry_create(user=owner, content="the river again", created_at=datetime(2024, 5, 2, tzinfo=UTC))
    in_title = services.entry_create(user=owner, title="River", content="cold",
                                     created_at=datetime(2024, 5, 1, tzinfo=UTC))
    newest = [e.pk for e in entry_list(user=owner, filters=EntryFilters(q="river"), tz=UTC_ZONE)]
    best = [e.pk for e in entry_list(user=owner, filters=EntryFilters(q="river"), tz=UTC_ZONE, order="relevance")]
    assert newest == [in_text.pk, in_title.pk] and best == [in_title.pk, in_text.pk]


# --- Sealing in place what was written before ----------------------------------------------------------------


def _plain_entry(user, title: str, content: str) -> int:
    """An entry as an older release stored it: text in the clear, no search index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO diary_entries (user_id, title, content, excerpt, mood, emotion_tags, tags, exclude_from_ai,"
            " word_count, search_index, tag_index, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, NULL, %s, %s, FALSE, 2, %s, '[]', %s, %s)",
            [user.pk, title, content, content, "[]", '["Walk"]', [] if connection.vendor == "postgresql" else "",
             datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)],
        )
        return cursor.lastrowid if connection.vendor != "postgresql" else DiaryEntry.objects.latest("pk").pk


def test_entries_written_before_sealing_are_read_then_sealed_in_place(owner, outsider, capsys):
    old = _plain_entry(owner, "Stary wpis", "Latarnia morska nocą.")
    theirs = _plain_entry(outsider, "Theirs", "lighthouse")
    new = services.entry_create(user=owner, content="Latarnia znowu.")
    # Reads open both forms meanwhile; search finds what is indexed already.
    assert DiaryEntry.objects.get(pk=old).content == "Latarnia morska nocą."
    assert _found(owner, "latarnia") == [new.pk]
    assert sealing.entries_unsealed() == 2
    call_command("encryption_seal_entries")
    assert "sealed 2 of 2" in capsys.readouterr().out
    for pk in (old, theirs):
        title, content, excerpt, tags = _raw(pk, "title", "content", "excerpt", "tags")
        assert all(value.startswith(encryption.PREFIX) for value in (title, content, excerpt, tags))
    assert sorted(_found(owner, "latarni")) == sorted([old, new.pk])
    tagged = entry_list(user=owner, filters=EntryFilters(own_tag="walk"), tz=UTC_ZONE)
    assert [entry.pk for entry in tagged] == [old] and tagged[0].tags == ["Walk"]
    assert DiaryEntry.objects.get(pk=old).title == "Stary wpis"
    assert sealing.entries_seal() == {"sealed": 0, "more": 0, "busy": 0}  # idempotent


def test_sealing_in_place_is_resumable_newest_first_and_keeps_an_edit(owner):
    older = _plain_entry(owner, "", "first words")
    newer = _plain_entry(owner, "", "second words")
    result = sealing.entries_seal(rows_max=1, batch_size=1)
    assert result == {"sealed": 1, "more": 1, "busy": 0}
    assert _raw(newer, "content")[0].startswith(encryption.PREFIX)  # the newest first
    assert _raw(older, "content")[0] == "first words"
    # An edit made while the job reads the row wins: the row is changed only if still as it was read.
    # As values_list() reads them: title, text, excerpt and tags.
    stale = (keys.Sealed(""), keys.Sealed("first words"), keys.Sealed("first words"), keys.Sealed('["Walk"]'))
    services.entry_update(entry=DiaryEntry.objects.get(pk=older), data={"content": "edited"})
    assert sealing._seal_row(older, owner.pk, *stale) == 0
    # The edit sealed what it saved; the job then seals the rest of the row (its tags) and keeps the edit.
    assert sealing.entries_seal() == {"sealed": 1, "more": 0, "busy": 0}
    assert DiaryEntry.objects.get(pk=older).content == "edited"
    assert DiaryEntry.objects.get(pk=older).tags == ["Walk"]


def test_one_sealing_run_at_a_time(owner):
    from django.core.cache import cache

    _plain_entry(owner, "", "words")
    cache.add(sealing.CLAIM, True, 60)
    try:
        assert sealing.entries_seal()["busy"] == 1
    finally:
        cache.delete(sealing.CLAIM)


def test_the_sealing_task_queues_itself_until_done(owner, tasks_inline, django_capture_on_commit_callbacks):
    from diary.tasks import entries_seal_task

    for n in range(3):
        _plain_entry(owner, "", f"words {n}")
    original = sealing.RUN_ROWS
    sealing.RUN_ROWS = 1
    try:
        with django_capture_on_commit_callbacks(execute=True) as queued:
            entries_seal_task.run()
    finally:
        sealing.RUN_ROWS = original
    assert len(queued) == 2  # a run per row, each queuing the next while rows wait
    assert sealing.entries_unsealed() == 0


def test_rotating_a_users_key_seals_their_entries_again_and_search_still_finds_them(owner):
    entry = services.entry_create(user=owner, title="Harbour", content="Boats at dawn.")
    keys.data_key_rotate(user_id=owner.pk)
    keys.data_key_reseal(user_id=owner.pk)
    title, content, excerpt = _raw(entry.pk, "title", "content", "excerpt")
    assert all(value.startswith("e1.2.") for value in (title, content, excerpt))
    keys.keys_forget()
    assert _found(owner, "boats harbour") == [entry.pk]
    assert DiaryEntry.objects.get(pk=entry.pk).content == "Boats at dawn."


@pytest.mark.django_db(transaction=True)
def test_migrating_a_populated_database_seals_every_entry_and_search_finds_them(owner, tasks_inline):
    call_command("migrate", "diary", "0010", verbosity=0)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO diary_entries (user_id, title, content, excerpt, search_lemmas, mood, emotion_tags, tags,"
                " exclude_from_ai, word_count, created_at, updated_at)"
                " VALUES (%s, 'Latarnia', 'Rano u lekarza.', 'Rano u lekarza.', ' lekarz ', 3, '[]', '[]', FALSE, 3,"
                " %s, %s)",
                [owner.pk, datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)],
            )
    finally:
        call_command("migrate", "diary", verbosity=0)  # queues the sealing, run inline here
    (pk,) = DiaryEntry.objects.values_list("pk", flat=True)
    title, content, excerpt = _raw(pk, "title", "content", "excerpt")
    assert all(value.startswith(encryption.PREFIX) for value in (title, content, excerpt))
    assert _found(owner, "lekarzem latarni") == [pk]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'diary_entries'")
            columns = {row[0] for row in cursor.fetchall()}
        assert "search_document" not in columns and "search_lemmas" not in columns
