"""No cached reply crosses from one user to another, nor outlives a cleared conversation or a deleted account.

A reply served from the cache to a second user would confirm what the first
wrote. Replies are keyed by user, mode and a per-user scope token
(docs/ai-reply-cache.md); this runs with the built-in offline companion.
"""

import pytest

from accounts.services import user_delete
from accounts.tests.factories import UserFactory
from conversations.models import ConversationHistory
from conversations.services import history_clear, message_send


def _reply(user, mode="reflective", content="Today I told my sister the truth."):
    message = message_send(user=user, mode=mode, content=content).message
    return ConversationHistory.objects.get(reply_to=message)


@pytest.mark.django_db
def test_byte_identical_contexts_of_two_users_are_answered_apart(owner, outsider):
    assert _reply(owner).cached is False
    assert _reply(outsider).cached is False


@pytest.mark.django_db
def test_a_cleared_conversation_leaves_no_cached_reply(owner):
    _reply(owner)
    history_clear(user=owner, mode="reflective")
    assert _reply(owner).cached is False


@pytest.mark.django_db
def test_a_deleted_account_leaves_no_cached_reply_for_anyone():
    author = UserFactory()
    _reply(author)
    user_delete(user=author)
    newcomer = UserFactory()
    assert _reply(newcomer).cached is False
