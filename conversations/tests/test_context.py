"""What leaves the server: the mode's prompt, the recent turns, and entries only with consent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations import selectors
from conversations.context import context_build
from conversations.models import ConversationHistory
from conversations.services import message_send
from conversations.tests.factories import MessageFactory
from diary.tests.factories import EntryFactory


def _send(user, content, mode="supportive"):
    return message_send(user=user, mode=mode, content=content).message


@pytest.mark.django_db
def test_entries_are_sent_only_with_consent(owner, openai, tasks_inline, django_capture_on_commit_callbacks):
    server = openai()
    EntryFactory(user=owner, title="Lake day", content="We swam in the lake with Marta.")
    with django_capture_on_commit_callbacks(execute=True):
        _send(owner, "How was my week?")
    assert "swam in the lake" not in server.sent_text()

    owner.ai_can_read_entries = True
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        _send(owner, "And now?")
    system = server.received[-1]["body"]["messages"][0]
    assert system["role"] == "system" and "swam in the lake" in system["content"] and "Lake day" in system["content"]


@pytest.mark.django_db
def test_an_excluded_entry_never_reaches_the_provider(owner, openai, tasks_inline, django_capture_on_commit_callbacks):
    server = openai()
    owner.ai_can_read_entries = True
    owner.save()
    EntryFactory(user=owner, title="Shared", content="A walk in the park.")
    EntryFactory(user=owner, title="Secret title", content="The private thing nobody may read.", exclude_from_ai=True)
    with django_capture_on_commit_callbacks(execute=True):
        _send(owner, "Hello")
    sent = server.sent_text()
    assert "A walk in the park" in sent
    assert "private thing" not in sent and "Secret title" not in sent


@pytest.mark.django_db
def test_nothing_else_about_the_user_is_sent(owner, outsider, openai, tasks_inline, django_capture_on_commit_callbacks):
    server = openai()
    owner.ai_can_read_entries = True
    owner.timezone = "Europe/Warsaw"
    owner.save()
    EntryFactory(user=owner, content="Shared entry text.")
    EntryFactory(user=outsider, content="The outsider's entry.")
    MessageFactory(user=owner, mode="coaching", content="A message in another mode.", status="answered")
    MessageFactory(user=outsider, mode="supportive", content="The outsider's message.", status="answered")
    with django_capture_on_commit_callbacks(execute=True):
        _send(owner, "Hello there")
    request = server.received[0]
    assert set(request["body"]) == {"model", "messages", "temperature", "stream"}
    assert [m["role"] for m in request["body"]["messages"]] == ["system", "user"]
    sent = server.sent_text()
    for private in ("owner@example.com", '"owner"', "Europe/Warsaw", "another mode", "outsider"):
        assert private not in sent
    assert request["headers"]["Authorization"] == "Bearer sk-test"


@pytest.mark.django_db
def test_history_sent_is_the_modes_recent_turns_bounded_by_size(owner):
    now = timezone.now()
    for index in range(40):
        MessageFactory(
            user=owner,
            mode="reflective",
            role="user" if index % 2 == 0 else "assistant",
            status="answered",
            content=f"turn {index} " + "x" * 900,
            created_at=now - timedelta(minutes=60 - index),
        )
    message = MessageFactory(user=owner, mode="reflective", content="latest", status="pending")
    context = context_build(message=message)
    assert context.turns[-1] == ("user", "latest")
    assert context.turns[0][0] == "user"  # never starts with a reply to something unseen
    assert len(context.turns) <= selectors.CONTEXT_MAX_MESSAGES
    assert sum(len(content) for _, content in context.turns) <= selectors.CONTEXT_MAX_CHARS
    assert "turn 39" in context.turns[-2][1]  # the newest are kept
    assert not any("turn 0 " in content for _, content in context.turns)


@pytest.mark.django_db
def test_failed_and_pending_messages_are_left_out_of_the_context(owner):
    MessageFactory(user=owner, content="never answered", status="failed")
    MessageFactory(user=owner, content="answered one", status="answered")
    message = MessageFactory(user=owner, content="now", status="pending")
    turns = context_build(message=message).turns
    assert [content for _, content in turns] == ["answered one", "now"]


@pytest.mark.django_db
def test_old_entries_are_not_summarised(owner):
    owner.ai_can_read_entries = True
    EntryFactory(user=owner, content="Recent one.")
    EntryFactory(user=owner, content="From long ago.", created_at=timezone.now() - timedelta(days=40))
    notes = selectors.entry_notes_for_ai(user=owner)
    assert [note.excerpt for note in notes] == ["Recent one."]


@pytest.mark.django_db
def test_context_language_follows_what_the_user_writes(owner):
    polish = MessageFactory(user=owner, content="Jestem dziś bardzo zmęczona.", status="pending")
    assert context_build(message=polish).language == "pl"
    assert "po polsku" in context_build(message=polish).system_prompt
    english = MessageFactory(user=owner, content="I am tired today.", status="pending")
    assert context_build(message=english).language == "en"


@pytest.mark.django_db
def test_context_reads_two_queries_with_consent(owner, django_assert_num_queries):
    owner.ai_can_read_entries = True
    EntryFactory.create_batch(8, user=owner)
    message = MessageFactory(user=owner, status="pending")
    message.user = owner
    # 1. the mode's recent messages  2. the recent entries (only with consent)
    with django_assert_num_queries(2):
        context_build(message=message)
    assert ConversationHistory.objects.count() == 1
