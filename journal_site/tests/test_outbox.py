"""The outbox: tasks recorded with the commit reach the broker, now or once it is back."""

import logging
import sys

import pytest
from celery import Celery, shared_task
from django.db import transaction

from journal_site import outbox
from journal_site.models import OutboxMessage
from journal_site.tasks import heartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def celery_app(broker: str) -> Celery:
    app = Celery("outbox-tests", broker=broker, set_as_current=False)
    app.conf.broker_connection_timeout = 1
    return app


@pytest.fixture
def broker_down(monkeypatch):
    # Nothing listens on port 1: a real connection attempt, refused at once.
    app = celery_app("redis://127.0.0.1:1/0")
    monkeypatch.setattr(outbox, "_app", lambda: app)
    monkeypatch.setattr(outbox, "_last_warning", float("-inf"))
    return app


@pytest.fixture
def broker_up(monkeypatch):
    app = celery_app("memory://")
    monkeypatch.setattr(outbox, "_app", lambda: app)
    with app.connection_for_read() as conn:
        conn.SimpleQueue("celery").clear()
    return app


def received(app: Celery) -> list[tuple[str, dict]]:
    messages = []
    with app.connection_for_read() as conn:
        queue = conn.SimpleQueue("celery")
        while len(queue):
            message = queue.get(timeout=1)
            messages.append((message.headers["task"], message.payload[1]))
            message.ack()
    return messages


def test_a_task_is_sent_after_the_commit_and_its_row_deleted(broker_up):
    with transaction.atomic():
        outbox.enqueue(heartbeat, kwargs={"n": 1})
        assert OutboxMessage.objects.count() == 1
        assert received(broker_up) == []  # nothing before the commit
    assert OutboxMessage.objects.count() == 0
    assert received(broker_up) == [("journal_site.heartbeat", {"n": 1})]


def test_a_rolled_back_transaction_sends_nothing(broker_up):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(heartbeat)
        raise RuntimeError
    assert OutboxMessage.objects.count() == 0 and received(broker_up) == []


def test_with_the_broker_down_the_task_waits_and_the_caller_never_fails(broker_down, caplog):
    caplog.set_level(logging.WARNING, logger="journal_site.outbox")
    for n in range(3):
        with transaction.atomic():
            outbox.enqueue(heartbeat, kwargs={"n": n})
    assert list(OutboxMessage.objects.order_by("id").values_list("kwargs", "attempts")) == [
        ({"n": 0}, 1), ({"n": 1}, 1), ({"n": 2}, 1)
    ]
    # One short line, not a traceback per request.
    assert [r.getMessage() for r in caplog.records] == [
        "broker unavailable: tasks wait in the outbox and are sent when it answers"
    ]
    assert not any(r.exc_info for r in caplog.records)


def test_waiting_tasks_are_relayed_in_order_when_the_broker_is_back(broker_down, monkeypatch):
    for n in range(3):
        with transaction.atomic():
            outbox.enqueue(heartbeat, kwargs={"n": n})
    assert outbox.relay() == 0  # still down
    up = celery_app("memory://")
    monkeypatch.setattr(outbox, "_app", lambda: up)
    with up.connection_for_read() as conn:
        conn.SimpleQueue("celery").clear()
    assert outbox.relay() == 3
    assert OutboxMessage.objects.count() == 0
    assert received(up) == [("journal_site.heartbeat", {"n": n}) for n in range(3)]


def test_the_next_commit_relays_what_waited(broker_down, monkeypatch):
    with transaction.atomic():
        outbox.enqueue(heartbeat, kwargs={"n": 0})
    up = celery_app("memory://")
    monkeypatch.setattr(outbox, "_app", lambda: up)
    with up.connection_for_read() as conn:
        conn.SimpleQueue("celery").clear()
    with transaction.atomic():
        outbox.enqueue(heartbeat, kwargs={"n": 1})
    assert OutboxMessage.objects.count() == 0
    assert sorted(kwargs["n"] for _task, kwargs in received(up)) == [0, 1]


def test_a_message_held_by_another_relay_is_left_alone(broker_up):
    from datetime import timedelta

    from django.utils import timezone

    held = timezone.now() + timedelta(seconds=30)
    OutboxMessage.objects.create(task_name="journal_site.heartbeat", available_at=held)
    assert outbox.relay() == 0
    assert received(broker_up) == [] and OutboxMessage.objects.count() == 1


PROBE_RUNS: list[int] = []


@shared_task(name="journal_site.tests.outbox_probe")
def probe(n: int) -> None:
    PROBE_RUNS.append(n)


def test_inline_mode_runs_the_task_after_the_commit_without_a_row():
    from journal_site.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        PROBE_RUNS.clear()
        with transaction.atomic():
            outbox.enqueue(probe, kwargs={"n": 5})
            assert PROBE_RUNS == []
        assert PROBE_RUNS == [5] and OutboxMessage.objects.count() == 0
    finally:
        app.conf.task_always_eager = saved


def test_relay_command_reports_what_it_sent(broker_up):
    from io import StringIO

    from django.core.management import call_command

    OutboxMessage.objects.create(task_name="journal_site.heartbeat")
    out = StringIO()
    call_command("relay_outbox", stdout=out)
    assert out.getvalue().strip() == "sent 1, waiting 0"


def test_beat_relays_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["relay-outbox"]
    assert entry["task"] == "journal_site.relay_outbox" and entry["schedule"] == 60.0


def test_cache_outage_logs_one_line_a_minute_without_traceback():
    from journal_site.logfilters import OncePerMinute

    log_filter = OncePerMinute()
    records = []
    for _ in range(20):
        try:
            raise ConnectionError("refused")
        except ConnectionError:
            record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Exception ignored", None, sys.exc_info())
        if log_filter.filter(record):
            records.append(record)
    assert len(records) == 1
    assert records[0].exc_info is None
    assert records[0].getMessage() == "Exception ignored (ConnectionError); further ones muted for a minute"
