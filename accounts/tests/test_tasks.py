import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from accounts import services
from accounts.tasks import send_welcome_email
from accounts.tests.factories import UserFactory
from overview.selectors import STATS_OVERVIEW_KEY
from overview.tasks import refresh_stats_overview

pytestmark = pytest.mark.django_db


def register(**kwargs):
    return services.user_register(
        username="nina",
        email="nina@example.com",
        password="a quiet river at dawn",
        base_url="http://j.example/",
        **kwargs,
    )


def test_nothing_is_queued_before_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register()
    queued = [c for c in callbacks if "delay" in repr(c)]
    assert len(queued) == 2 and mail.outbox == [] and cache.get(STATS_OVERVIEW_KEY) is None


def test_after_commit_welcome_email_and_stats_refresh(django_capture_on_commit_callbacks):
    UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user = register()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@example.com"] and "nina" in message.subject
    assert "http://j.example/diary/new/" in message.body
    assert cache.get(STATS_OVERVIEW_KEY)["users_total"] == 2
    assert user.pk


def test_welcome_email_in_the_users_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(language="pl")
    assert "Witaj" in mail.outbox[0].subject


def test_welcome_email_is_sent_once_however_often_the_task_runs():
    user = UserFactory()
    send_welcome_email.delay(user_id=user.pk)
    send_welcome_email.delay(user_id=user.pk)
    assert len(mail.outbox) == 1


def test_welcome_email_for_a_deleted_user_is_skipped():
    send_welcome_email.delay(user_id=987654)
    assert mail.outbox == []


def test_stats_refresh_replaces_the_cached_figures():
    cache.set(STATS_OVERVIEW_KEY, {"users_total": 99}, 300)
    UserFactory()
    refresh_stats_overview.delay()
    assert cache.get(STATS_OVERVIEW_KEY)["users_total"] == 1


def test_the_refresh_still_answers_to_its_former_name():
    """A message queued before the task moved from accounts to overview still runs it (docs/jobs.md)."""
    from journal_site.celery import app

    cache.set(STATS_OVERVIEW_KEY, {"users_total": 99}, 300)
    UserFactory()
    app.tasks["accounts.refresh_stats_overview"].delay()
    assert cache.get(STATS_OVERVIEW_KEY)["users_total"] == 1


def test_tasks_take_ids_and_are_named():
    from journal_site.celery import app

    assert {
        "accounts.send_welcome_email",
        "accounts.send_password_reset_email",
        "overview.refresh_stats_overview",
        "accounts.cleanup_stale_tokens",
    } <= set(app.tasks)


@pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="needs a real broker (REDIS_URL or CELERY_BROKER_URL)")
@pytest.mark.django_db(transaction=True)
def test_tasks_reach_a_real_worker_after_signup():
    from celery.contrib.testing.worker import start_worker

    from journal_site.celery import app

    app.conf.task_always_eager = False  # undo the inline fixture: go through the broker
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        register()
        deadline = time.monotonic() + 20
        while (not mail.outbox or cache.get(STATS_OVERVIEW_KEY) is None) and time.monotonic() < deadline:
            time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [["nina@example.com"]]
    assert cache.get(STATS_OVERVIEW_KEY)["users_total"] == 1
