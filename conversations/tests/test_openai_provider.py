"""The OpenAI-compatible provider against a small server on loopback: normal, slow, failing."""

import socket

import pytest

from conversations.context import Context
from conversations.models import ConversationHistory
from conversations.providers import OpenAIProvider, ProviderError
from conversations.services import message_send


def _context(text="Hello"):
    return Context(mode="supportive", language="en", system_prompt="Be kind.", turns=(("user", text),))


def _provider(server, timeout=5.0):
    return OpenAIProvider(base_url=server.url, model="fake-model", api_key="sk-test", timeout=timeout)


def test_posts_chat_completions_and_reads_the_reply(openai):
    server = openai(lambda n: ("ok", "  Hi, I'm listening.  "))
    assert _provider(server).reply(_context()) == "Hi, I'm listening."
    request = server.received[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "fake-model"
    assert request["body"]["messages"] == [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "Hello"},
    ]


def test_no_authorization_header_without_a_key(openai):
    server = openai()
    OpenAIProvider(base_url=server.url, model="m", api_key="", timeout=5).reply(_context())
    assert "Authorization" not in server.received[0]["headers"]


def test_5xx_is_retried_twice_then_fails(openai):
    server = openai(lambda n: ("status", 502))
    with pytest.raises(ProviderError):
        _provider(server).reply(_context())
    assert server.calls == 3


def test_a_5xx_then_success_recovers(openai):
    server = openai(lambda n: ("status", 500) if n == 0 else ("ok", "Back again."))
    assert _provider(server).reply(_context()) == "Back again."
    assert server.calls == 2


def test_4xx_is_not_retried(openai):
    server = openai(lambda n: ("status", 401))
    with pytest.raises(ProviderError):
        _provider(server).reply(_context())
    assert server.calls == 1


def test_a_slow_server_times_out_without_retrying(openai):
    server = openai(lambda n: ("slow", 1.0))
    with pytest.raises(ProviderError, match="in time"):
        _provider(server, timeout=0.2).reply(_context())
    assert server.calls == 1


def test_connection_errors_are_retried_twice(monkeypatch, openai):
    openai()  # only for the zero backoff
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    attempts = []
    import requests

    real_post = requests.post

    def counting_post(*args, **kwargs):
        attempts.append(args[0])
        return real_post(*args, **kwargs)

    monkeypatch.setattr(requests, "post", counting_post)
    provider = OpenAIProvider(base_url=f"http://127.0.0.1:{port}/v1", model="m", api_key="", timeout=1)
    with pytest.raises(ProviderError, match="unavailable"):
        provider.reply(_context())
    assert len(attempts) == 3


@pytest.mark.parametrize("body", [{"choices": []}, {"nope": 1}, {"choices": [{"message": {"content": ""}}]}])
def test_an_unreadable_answer_is_a_failure(openai, body, monkeypatch):
    server = openai()

    class Response:
        status_code = 200

        def json(self):
            return body

    import requests

    monkeypatch.setattr(requests, "post", lambda *a, **k: Response())
    with pytest.raises(ProviderError):
        _provider(server).reply(_context())


@pytest.mark.django_db
def test_slow_provider_fails_kindly_and_keeps_the_message(owner_api, openai, tasks_inline,
                                                          django_capture_on_commit_callbacks):
    openai(lambda n: ("slow", 1.0), timeout=0.2)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post("/api/v1/conversations/supportive/messages/", {"content": "Hello?"}, format="json")
    assert response.status_code == 202
    status = owner_api.get(response.json()["status_url"]).json()
    assert status["status"] == "failed" and status["reply"] is None
    assert "could not answer just now" in status["detail"]
    message = ConversationHistory.objects.get()
    assert message.content == "Hello?" and message.status == "failed"


@pytest.mark.django_db
def test_failing_provider_is_tried_three_times_then_the_message_can_be_retried(
    owner, owner_api, openai, tasks_inline, django_capture_on_commit_callbacks
):
    server = openai(lambda n: ("status", 503) if n < 3 else ("ok", "Sorry for the wait."))
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(user=owner, mode="coaching", content="Can we talk?").message
    message.refresh_from_db()
    assert message.status == "failed" and server.calls == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post(f"/api/v1/conversations/coaching/messages/{message.pk}/retry/")
    assert response.status_code == 202
    status = owner_api.get(response.json()["status_url"]).json()
    assert status["status"] == "answered" and status["reply"]["content"] == "Sorry for the wait."
    assert ConversationHistory.objects.count() == 2


@pytest.mark.django_db
def test_retry_of_an_answered_message_is_refused(owner, owner_api):
    message = message_send(user=owner, mode="coaching", content="Hi").message
    response = owner_api.post(f"/api/v1/conversations/coaching/messages/{message.pk}/retry/")
    assert response.status_code == 409
    assert ConversationHistory.objects.count() == 2
