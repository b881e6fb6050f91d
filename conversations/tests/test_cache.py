"""Replies are cached for an hour under ai:response:{sha256}, per user and mode; hits are counted."""

import re

import pytest
from django.core.cache import cache

from accounts.services import user_delete
from conversations.context import Context
from conversations.models import ConversationHistory
from conversations.modes import MODES
from conversations.reply_cache import reply_scope
from conversations.services import REPLY_CACHE_SECONDS, history_clear, message_send
from journal_site.metrics import CACHE_HITS


def _hits() -> float:
    return CACHE_HITS.labels(cache="ai")._value.get()


def _context(**changes):
    values = dict(mode="supportive", language="en", system_prompt="Be kind.", turns=(("user", "I feel sad"),))
    values.update(changes)
    return Context(**values)


KEY = dict(provider="openai", model="m", user_id=1, scope="s")


def test_key_is_a_digest_without_text():
    key = _context().cache_key(**KEY)
    assert re.fullmatch(r"ai:response:[0-9a-f]{64}", key)
    assert "sad" not in key


@pytest.mark.parametrize(
    "other",
    [
        dict(provider="offline", model="m"),
        dict(provider="openai", model="other-model"),
        dict(user_id=2),
        dict(scope="t"),
    ],
)
def test_provider_model_user_and_scope_change_the_key(other):
    assert _context().cache_key(**KEY) != _context().cache_key(**{**KEY, **other})


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
    key = _context().cache_key(**KEY)
    assert key != _context(**change).cache_key(**KEY)


@pytest.mark.django_db
def test_the_same_context_gets_the_cached_reply_and_counts_a_hit(owner, openai, tasks_inline,
                                                                 django_capture_on_commit_callbacks):
    server = openai(lambda n: ("ok", f"Reply number {n}."))
    with django_capture_on_commit_callbacks(execute=True):
        message_send(user=owner, mode="gratitude", content="Hello there")
    hits = _hits()
    ConversationHistory.objects.filter(user=owner).delete()  # the same context again, from the same user
    with django_capture_on_commit_callbacks(execute=True):
        second = message_send(user=owner, mode="gratitude", content="Hello there").message
    assert server.calls == 1
    assert _hits() == hits + 1
    reply = ConversationHistory.objects.get(reply_to=second)
    assert (reply.content, reply.cached) == ("Reply number 0.", True)

    with django_capture_on_commit_callbacks(execute=True):
        message_send(user=owner, mode="gratitude", content="Hello there!")
    assert server.calls == 2  # a different context is a fresh reply


@pytest.mark.django_db
def test_two_users_with_the_same_context_never_share_a_reply(owner, outsider, openai, tasks_inline,
                                                              django_capture_on_commit_callbacks):
    server = openai(lambda n: ("ok", f"Reply number {n}."))
    for user in (owner, outsider):
        with django_capture_on_commit_callbacks(execute=True):
            message_send(user=user, mode="gratitude", content="Hello there")
    assert server.calls == 2
    replies = ConversationHistory.objects.filter(role="assistant").order_by("id")
    assert [(r.content, r.cached) for r in replies] == [("Reply number 0.", False), ("Reply number 1.", False)]


@pytest.mark.django_db
def test_clearing_a_conversation_forgets_its_cached_replies(owner, openai, tasks_inline,
                                                             django_capture_on_commit_callbacks):
    server = openai(lambda n: ("ok", f"Reply number {n}."))
    with django_capture_on_commit_callbacks(execute=True):
        message_send(user=owner, mode="gratitude", content="Hello there")
        message_send(user=owner, mode="coaching", content="Hello there")
    coaching_scope = reply_scope(user_id=owner.pk, mode="coaching")
    history_clear(user=owner, mode="gratitude")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(user=owner, mode="gratitude", content="Hello there")
    assert server.calls == 3
    assert ConversationHistory.objects.get(mode="gratitude", role="assistant").cached is False
    assert reply_scope(user_id=owner.pk, mode="coaching") == coaching_scope  # other modes keep theirs


@pytest.mark.django_db
def test_deleting_the_account_forgets_every_cached_reply(owner):
    message_send(user=owner, mode="supportive", content="Hello")
    scopes = {mode: reply_scope(user_id=owner.pk, mode=mode) for mode in MODES}
    user_id = owner.pk
    user_delete(user=owner)
    assert all(cache.get(f"ai:scope:{user_id}:{mode}") is None for mode in MODES)
    assert all(reply_scope(user_id=user_id, mode=mode) != scopes[mode] for mode in MODES)


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
