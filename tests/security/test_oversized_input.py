"""Over-long text is refused before anything reads it, quickly, and is not sent back whole.

Entries are at most CONTENT_MAX_LENGTH characters. A crafted form or API call
of a megabyte (just under the request body limit) is answered 400 in well under
a second: lengths are checked before the emotion lexicon or anything else runs,
and the refused form shows at most the limit (docs/input-limits.md).
"""

import gc
import time

import pytest

from diary.lexicon import emotion_counts
from diary.models import DiaryEntry
from diary.services import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH
from diary.tests.factories import EntryFactory

MEGABYTE_TEXT = "I am so happy and calm today, not sad at all. " * 21_000  # about 970,000 characters
BOUND_SECONDS = 1.0


def _timed(call):
    """CPU and wall time of the call alone.

    A garbage collection of what earlier tests left behind (a fraction of a
    second late in a full run) is not the call's cost.
    """
    gc.collect()
    gc.disable()
    try:
        cpu, wall = time.thread_time(), time.perf_counter()
        response = call()
        return response, time.thread_time() - cpu, time.perf_counter() - wall
    finally:
        gc.enable()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/diary/new/", "/diary/{id}/edit/"])
def test_a_megabyte_entry_form_is_refused_quickly_without_echoing_it(owner_client, owner, path):
    entry = EntryFactory(user=owner, content="Before.")
    form = {"title": "x" * 5000, "content": MEGABYTE_TEXT, "created_at": "2024-05-01T10:00", "mood": "3"}
    response, cpu, wall = _timed(lambda: owner_client.post(path.format(id=entry.pk), form))
    assert response.status_code == 400
    assert cpu < BOUND_SECONDS and wall < 10 * BOUND_SECONDS, (cpu, wall)
    page = response.content.decode()
    assert len(page) < CONTENT_MAX_LENGTH + 50_000
    assert "An entry can be at most 100000 characters long" in page
    assert MEGABYTE_TEXT[: CONTENT_MAX_LENGTH - 100] in page  # what fits is kept in the editor
    assert "x" * (TITLE_MAX_LENGTH + 1) not in page
    assert "data-emotion=" not in page.split('data-suggestion-list>', 1)[1][:200]  # nothing was analysed
    entry.refresh_from_db()
    assert entry.content == "Before." and DiaryEntry.objects.filter(user=owner).count() == 1


@pytest.mark.django_db
def test_an_over_long_entry_through_the_api_is_refused_quickly(owner_api):
    body = {"content": MEGABYTE_TEXT[: CONTENT_MAX_LENGTH + 1]}
    response, cpu, wall = _timed(lambda: owner_api.post("/api/v1/entries/", body, format="json"))
    assert response.status_code == 400 and "content" in response.json()
    assert cpu < BOUND_SECONDS and wall < 10 * BOUND_SECONDS, (cpu, wall)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [CONTENT_MAX_LENGTH + 1, 900_000])
def test_suggestions_for_an_over_long_text_are_refused_quickly(owner_api, size):
    body = {"text": MEGABYTE_TEXT[:size]}
    response, cpu, wall = _timed(lambda: owner_api.post("/api/v1/emotions/suggest/", body, format="json"))
    assert response.status_code == 400 and "text" in response.json()
    assert cpu < BOUND_SECONDS and wall < 10 * BOUND_SECONDS, (cpu, wall)


@pytest.mark.django_db
def test_suggestions_for_the_longest_entry_are_quick(owner_api):
    body = {"text": MEGABYTE_TEXT[:CONTENT_MAX_LENGTH]}
    response, cpu, wall = _timed(lambda: owner_api.post("/api/v1/emotions/suggest/", body, format="json"))
    assert response.status_code == 200
    assert [e["code"] for e in response.json()["emotions"]] == ["joy", "calm"]
    assert cpu < BOUND_SECONDS and wall < 10 * BOUND_SECONDS, (cpu, wall)


def test_the_lexicon_reads_a_megabyte_in_well_under_a_second():
    _, cpu, wall = _timed(lambda: emotion_counts(MEGABYTE_TEXT))
    assert cpu < BOUND_SECONDS / 2 and wall < 10 * BOUND_SECONDS, (cpu, wall)
