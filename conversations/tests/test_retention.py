"""Messages older than CONVERSATION_RETENTION_DAYS are deleted daily, in batches."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations import tasks
from conversations.models import ConversationHistory
from conversations.services import conversations_cleanup
from conversations.tests.factories import MessageFactory


@pytest.mark.django_db
def test_a_message_30_days_and_1_second_old_is_gone_and_29_days_old_is_kept(owner):
    now = timezone.now()
    old = MessageFactory(user=owner, created_at=now - timedelta(days=30, seconds=1))
    kept = MessageFactory(user=owner, created_at=now - timedelta(days=29))
    assert conversations_cleanup(now=now) == 1
    assert list(ConversationHistory.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not ConversationHistory.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_cleanup_is_idempotent(owner):
    now = timezone.now()
    MessageFactory.create_batch(3, user=owner, created_at=now - timedelta(days=31))
    MessageFactory(user=owner, created_at=now)
    assert conversations_cleanup(now=now) == 3
    assert conversations_cleanup(now=now) == 0
    assert ConversationHistory.objects.count() == 1


@pytest.mark.django_db
def test_cleanup_deletes_in_batches_and_takes_replies_along(owner, django_assert_num_queries):
    now = timezone.now()
    for i in range(5):
        message = MessageFactory(user=owner, created_at=now - timedelta(days=40, minutes=i))
        # The reply is a little newer than 30 days but goes with its message.
        MessageFactory(user=owner, role="assistant", reply_to=message, created_at=now - timedelta(days=29, minutes=i))
    MessageFactory(user=owner, created_at=now - timedelta(days=1))
    # Batches of 2 messages: 3 x (select ids, delete them and their replies) + 1 select that finds none.
    with django_assert_num_queries(7):
        deleted = conversations_cleanup(now=now, batch_size=2)
    assert deleted == 10
    assert ConversationHistory.objects.count() == 1


@pytest.mark.django_db
def test_retention_follows_the_setting(owner, settings):
    settings.CONVERSATION_RETENTION_DAYS = 7
    now = timezone.now()
    MessageFactory(user=owner, created_at=now - timedelta(days=8))
    MessageFactory(user=owner, created_at=now - timedelta(days=6))
    assert conversations_cleanup(now=now) == 1


@pytest.mark.django_db
def test_management_command(owner):
    MessageFactory(user=owner, created_at=timezone.now() - timedelta(days=45))
    from io import StringIO

    out = StringIO()
    call_command("cleanup_conversations", stdout=out)
    assert "Deleted 1 messages" in out.getvalue()
    assert ConversationHistory.objects.count() == 0


@pytest.mark.django_db
def test_beat_task_runs_once_a_day_however_many_beats_queue_it(owner):
    MessageFactory(user=owner, created_at=timezone.now() - timedelta(days=45))
    assert tasks.cleanup_conversations() == 1
    MessageFactory(user=owner, created_at=timezone.now() - timedelta(days=45))
    assert tasks.cleanup_conversations() == 0  # the second beat's run finds the day's lock
    assert ConversationHistory.objects.count() == 1


def test_beat_schedule_runs_the_cleanup_daily():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "conversations.cleanup_conversations"]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.hour == {settings.CLEANUP_HOUR} and schedule.minute == {settings.CLEANUP_MINUTE}


@pytest.mark.django_db
def test_the_database_refuses_a_reply_left_without_its_message(owner):
    """Deletes take replies along themselves (no cascade in Python); the foreign key still guards it."""
    message = MessageFactory(user=owner)
    MessageFactory(user=owner, role="assistant", reply_to=message)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationHistory.objects.filter(pk=message.pk).delete()
        connection.check_constraints()


@pytest.mark.django_db
def test_an_account_deletes_its_conversations_in_one_statement(owner):
    for _ in range(3):
        MessageFactory(user=owner, role="assistant", reply_to=MessageFactory(user=owner))
    with CaptureQueriesContext(connection) as queries:
        owner.delete()
    deletes = [q["sql"] for q in queries if q["sql"].startswith('DELETE FROM "conversation_history"')]
    assert len(deletes) == 1 and not ConversationHistory.objects.exists()
    assert not [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "conversation_history" in q["sql"]]
