import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache

from journal_site.celery import app
from journal_site.tasks import HEARTBEAT_KEY, heartbeat


def test_celery_is_configured_for_safety():
    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit


@pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="needs a real broker (REDIS_URL or CELERY_BROKER_URL)")
@pytest.mark.django_db(transaction=True)
def test_task_runs_through_a_real_worker_on_the_broker():
    cache.delete(HEARTBEAT_KEY)
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        heartbeat.delay()
        deadline = time.monotonic() + 20
        while cache.get(HEARTBEAT_KEY) is None and time.monotonic() < deadline:
            time.sleep(0.1)
    assert cache.get(HEARTBEAT_KEY) is not None


def test_embedded_mode_runs_tasks_inline():
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a broker is configured")
    cache.delete(HEARTBEAT_KEY)
    heartbeat.delay()
    assert cache.get(HEARTBEAT_KEY) is not None
