"""Replies are cached for an hour under ai:response:{sha256}; hits are counted."""

import re

import pytest
from django.core.cache import cache

from conversations.context import Context
from conversations.models import ConversationHistory
from conversations.services import REPLY_CACHE_SECONDS, message_send
from journal_site.metrics import CACHE_HITS


def _hits() -> float:
    return CACHE_HITS.labels(cache="ai")._value.get()


def _context(**changes):
    values = dict(mode="supportive", language="en", system_prompt="Be kind.", turns=(("user", "I feel sad"),))
    values.update(changes)
    return Context(**values)


def test_key_is_a_digest_without_text():
    key = _context().cache_key(provider="openai", model="m")
    assert re.fullmatch(r"ai:response:[0-9a-f]{64}", key)
    assert "sad" not in key


@pytest.mark.parametrize(
    "other",
    [
        dict(provider="offline", model="m"),
        dict(provider="openai", model="other-model"),
    ],
)
def test_provider_and_model_change_the_key(other):
    assert _context().cache_key(provider="openai", model="m") != _context().cache_key(**other)


@pytest.mark.parametrize(
    "change",
    [
        dict(mode="coaching"),
        dict(system_prompt="Be very kind."),
        dict(turns=(("user", "I feel sad."),)),
        dict(turns=(("user", "Hi"), ("assistant", "Hello"), ("user", "I feel sad"))),
    ],
)
def test_any_difference_in_the_context_changes_the_key(change):
    key = _context().cache_key(provider="openai", model="m")
    assert key != _context(**change).cache_key(provider="openai", model="m")


@pytest.mark.django_db
def test_the_same_context_gets_the_cached_reply_and_counts_a_hit(owner, outsider, openai, tasks_inline,
                                                                 django_capture_on_commit_callbacks):
    server = openai(lambda n: ("ok", f"Reply number {n}."))
    with django_capture_on_commit_callbacks(execute=True):
        first = message_send(user=owner, mode="gratitude", content="Hello there").message
    hits = _hits()
    # The outsider's context is byte-for-byte the same (same mode, language and first message).
    with django_capture_on_commit_callbacks(execute=True):
        second = message_send(user=outsider, mode="gratitude", content="Hello there").message
    assert server.calls == 1
    assert _hits() == hits + 1
    replies = {r.reply_to_id: r for r in ConversationHistory.objects.filter(role="assistant")}
    assert replies[first.pk].content == replies[second.pk].content == "Reply number 0."
    assert replies[second.pk].cached is True and replies[first.pk].cached is False

    with django_capture_on_commit_callbacks(execute=True):
        message_send(user=outsider, mode="gratitude", content="Hello there!")
    assert server.calls == 2  # a different context is a fresh reply


@pytest.mark.django_db
def test_a_cached_reply_lives_one_hour(owner, monkeypatch):
    timeouts = []
    real_set = cache.set

    def recording_set(key, value, timeout=None):
        timeouts.append((key, timeout))
        return real_set(key, value, timeout)

    monkeypatch.setattr(cache, "set", recording_set)
    message_send(user=owner, mode="supportive", content="Hello")
    assert [(key[:12], timeout) for key, timeout in timeouts] == [("ai:response:", REPLY_CACHE_SECONDS)]
    assert REPLY_CACHE_SECONDS == 3600


@pytest.mark.django_db
def test_a_failure_is_not_cached(owner, openai, tasks_inline, django_capture_on_commit_callbacks):
    server = openai(lambda n: ("status", 500) if n < 3 else ("ok", "Fine now."))
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(user=owner, mode="supportive", content="Hi").message
    from conversations.services import message_retry

    message.refresh_from_db()
    message.user = owner
    with django_capture_on_commit_callbacks(execute=True):
        message_retry(message=message)
    assert ConversationHistory.objects.get(role="assistant").content == "Fine now."
    assert server.calls == 4


@pytest.mark.django_db
def test_reply_time_is_recorded_by_provider_and_cache_outcome(owner):
    from journal_site.metrics import AI_REPLY_DURATION

    def observations(cached: str) -> float:
        histogram = AI_REPLY_DURATION.labels(provider="offline", cached=cached)
        return sum(bucket.get() for bucket in histogram._buckets)

    before_miss, before_hit = observations("false"), observations("true")
    message_send(user=owner, mode="reflective", content="A quiet evening.")
    ConversationHistory.objects.all().delete()
    message_send(user=owner, mode="reflective", content="A quiet evening.")  # the same context again
    assert observations("false") == before_miss + 1
    assert observations("true") == before_hit + 1
