"""A transactional outbox for Celery tasks: work after a commit survives a broker outage.

`enqueue(task, kwargs=...)` inside a transaction writes an OutboxMessage
with the same commit as the data it concerns. After the commit the message
is handed to the broker and deleted. If the broker is down the request still
succeeds: the message waits, and the next relay sends it once the broker is
back: the on-commit relay of any later request, the `journal_site.relay_outbox`
task that beat queues every minute and every worker queues as it starts,
or `manage.py relay_outbox`. Delivery is at least once (a message may be
sent twice if its deletion fails), so every task behind it is idempotent.
docs/operations-consistency.md has the whole picture.

Without a broker (embedded mode, tasks run inline) there is nothing to wait
for: the task simply runs after the commit.
"""

import logging
import time
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from journal_site.models import OutboxMessage

logger = logging.getLogger(__name__)

# How long one relay holds a message before another may try it.
CLAIM_SECONDS = 60
BATCH = 100
_last_warning = float("-inf")


def _app():
    from journal_site.celery import app

    return app


def enqueue(task, *, args: tuple = (), kwargs: dict | None = None) -> None:
    """Run `task` after the current transaction commits, even if the broker is down right then."""
    kwargs = kwargs or {}
    if _app().conf.task_always_eager:
        transaction.on_commit(partial(task.delay, *args, **kwargs))
        return
    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(partial(_relay_after_commit, message))


SENT, TAKEN, BROKER_DOWN = "sent", "taken", "broker down"


def _relay_after_commit(message: OutboxMessage) -> None:
    with _broker_connection() as connection:
        outcome = _send(message, connection)
        if outcome == SENT and OutboxMessage.objects.filter(available_at__lte=timezone.now()).exists():
            # The broker answers again: hand over what waited while it did not.
            _relay(connection, limit=BATCH)


def _broker_connection():
    """One broker connection for a relay, which fails at once rather than retrying.

    A request must not wait for a broker that is down: the message waits instead.
    """
    return _app().connection_for_write(transport_options={"max_retries": 0}, connect_timeout=2)


def _claim(message_id: int, now) -> bool:
    claimed = OutboxMessage.objects.filter(pk=message_id, available_at__lte=now).update(
        available_at=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1
    )
    return claimed == 1


def _send(message: OutboxMessage, connection) -> str:
    """Claim, publish and delete one message; kept for later if the broker is down."""
    now = timezone.now()
    if not _claim(message.pk, now):
        return TAKEN  # another relay has it, or has sent it
    try:
        _app().send_task(
            message.task_name, args=message.args, kwargs=message.kwargs, connection=connection, retry=False
        )
    except Exception as exc:  # kombu's OperationalError, a refused or reset connection
        OutboxMessage.objects.filter(pk=message.pk).update(available_at=now)
        _warn(exc)
        return BROKER_DOWN
    OutboxMessage.objects.filter(pk=message.pk).delete()
    return SENT


def _warn(exc: Exception) -> None:
    """One line a minute per process while the broker is down: no traceback per request."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        logger.warning(
            "broker unavailable: tasks wait in the outbox and are sent when it answers",
            extra={"error": type(exc).__name__},
        )


def _relay(connection, *, limit: int) -> int:
    waiting = OutboxMessage.objects.filter(available_at__lte=timezone.now()).order_by("id")[:limit]
    sent = 0
    for message in list(waiting):
        outcome = _send(message, connection)
        if outcome == BROKER_DOWN:
            break  # the rest would fail the same way
        sent += outcome == SENT
    return sent


def relay(*, limit: int = BATCH) -> int:
    """Send up to `limit` waiting messages, oldest first; stop at the first broker failure."""
    with _broker_connection() as connection:
        return _relay(connection, limit=limit)


def waiting_count() -> int:
    return OutboxMessage.objects.count()
