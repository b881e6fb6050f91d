"""With the openai provider the reply is written in a Celery task: 202, a status address, one reply."""

import pytest

from conversations import tasks
from conversations.models import ConversationHistory
from conversations.services import message_send

URL = "/api/v1/conversations/supportive/messages/"


@pytest.mark.django_db
def test_post_answers_202_with_a_status_url_and_queues_after_commit(owner_api, openai, tasks_held,
                                                                     django_capture_on_commit_callbacks):
    openai()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = owner_api.post(URL, {"content": "Hello"}, format="json")
        assert tasks_held == []  # nothing is queued before the commit
    assert response.status_code == 202
    body = response.json()
    message_id = body["message"]["id"]
    assert body["message"]["status"] == "pending"
    assert body["status_url"].endswith(f"/api/v1/conversations/supportive/messages/{message_id}/")
    assert response.headers["Location"] == body["status_url"]
    for callback in callbacks:
        callback()
    assert tasks_held == [message_id]

    pending = owner_api.get(body["status_url"]).json()
    assert pending["status"] == "pending" and pending["reply"] is None


@pytest.mark.django_db
def test_status_url_shows_the_reply_once_written(owner_api, openai, tasks_inline, django_capture_on_commit_callbacks):
    openai(lambda n: ("ok", "I'm here for you."))
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post(URL, {"content": "Hello"}, format="json")
    status = owner_api.get(response.json()["status_url"]).json()
    assert status["status"] == "answered"
    assert status["reply"]["content"] == "I'm here for you."
    assert status["reply"]["reply_to"] == status["message"]["id"]
    reply = ConversationHistory.objects.get(role="assistant")
    assert (reply.provider, reply.model, reply.cached) == ("openai", "fake-model", False)
    assert reply.latency_ms is not None


@pytest.mark.django_db
def test_task_that_runs_twice_stores_one_reply(owner, openai, tasks_held):
    server = openai()
    message = message_send(user=owner, mode="supportive", content="Hello").message
    tasks.generate_reply(message.pk)
    tasks.generate_reply(message.pk)
    assert ConversationHistory.objects.filter(reply_to=message).count() == 1
    assert server.calls == 1  # the second run saw the message answered and did nothing
    message.refresh_from_db()
    assert message.status == "answered"


@pytest.mark.django_db
def test_a_concurrent_second_run_cannot_store_a_second_reply(owner, openai, tasks_held):
    """Both runs got past the first check; the unique reply_to and the claim keep one reply."""
    openai()
    message = message_send(user=owner, mode="supportive", content="Hello").message
    from conversations import services
    from conversations.providers import provider_get

    message.user = owner
    first = services._reply_generate(message=message, provider=provider_get())
    message.status = "pending"  # the stale copy a racing worker would hold
    second = services._reply_generate(message=message, provider=provider_get())
    assert first is not None and second is None
    assert ConversationHistory.objects.filter(reply_to=message).count() == 1


@pytest.mark.django_db
def test_task_for_a_cleared_message_does_nothing(owner, owner_api, openai, tasks_held):
    server = openai()
    message = message_send(user=owner, mode="supportive", content="Hello").message
    owner_api.delete(URL)
    tasks.generate_reply(message.pk)
    assert ConversationHistory.objects.count() == 0 and server.calls == 0


@pytest.mark.django_db
def test_offline_answers_at_once_with_201(owner_api, tasks_held):
    response = owner_api.post(URL, {"content": "I feel calm today."}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["message"]["status"] == "answered"
    assert body["reply"]["role"] == "assistant" and "calm" in body["reply"]["content"]
    assert tasks_held == []


@pytest.mark.django_db
def test_a_reply_pending_too_long_becomes_failed_and_retryable(owner, owner_api, openai, tasks_held):
    from datetime import timedelta

    from django.utils import timezone

    openai()
    message = message_send(user=owner, mode="supportive", content="Hello").message
    ConversationHistory.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    status = owner_api.get(f"{URL}{message.pk}/").json()
    assert status["status"] == "failed"
    assert owner_api.post(f"{URL}{message.pk}/retry/").status_code == 202
