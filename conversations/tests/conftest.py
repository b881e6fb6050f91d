import pytest

from conversations import providers, tasks
from conversations.tests.fake_openai import FakeOpenAI
from journal_site.celery import app


@pytest.fixture
def _no_broker():
    """Tasks are handed to generate_reply.delay after the commit, as without a broker, whatever the suite runs with."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def tasks_inline(monkeypatch, _no_broker):
    """generate_reply.delay runs the task at once (whatever broker the suite runs with) and counts calls."""
    queued: list[int] = []

    def delay(message_id):
        queued.append(message_id)
        tasks.generate_reply(message_id)

    monkeypatch.setattr(tasks.generate_reply, "delay", delay)
    return queued


@pytest.fixture
def tasks_held(monkeypatch, _no_broker):
    """generate_reply.delay only records the message id: the reply stays pending."""
    queued: list[int] = []
    monkeypatch.setattr(tasks.generate_reply, "delay", queued.append)
    return queued


@pytest.fixture
def openai(settings, monkeypatch):
    """Start a fake OpenAI-compatible server with a behaviour and point the settings at it."""
    servers = []
    monkeypatch.setattr(providers, "RETRY_BACKOFF", (0.0, 0.0))

    def start(behaviour=lambda n: ("ok", f"Fake reply {n}."), *, timeout=5.0, api_key="sk-test"):
        server = FakeOpenAI(behaviour).__enter__()
        servers.append(server)
        settings.AI_PROVIDER = "openai"
        settings.AI_BASE_URL = server.url
        settings.AI_MODEL = "fake-model"
        settings.AI_API_KEY = api_key
        settings.AI_TIMEOUT_SECONDS = timeout
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)
