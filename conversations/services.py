"""Every write to the companion's history."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.keys import cached_sealed
from conversations.context import context_build
from conversations.crisis import crisis_detect, reply_with_care
from conversations.models import ConversationHistory
from conversations.providers import Provider, ProviderError, provider_get
from conversations.reply_cache import reply_cache_forget, reply_scope
from conversations.tasks import generate_reply
from journal_site import outbox
from journal_site.deletion import delete_in_batches
from journal_site.metrics import AI_REPLY_DURATION

logger = logging.getLogger(__name__)

MESSAGE_MAX_CHARS = 10_000
REPLY_CACHE_SECONDS = 60 * 60
CLEANUP_BATCH_SIZE = 2000
# A reply still pending after this long will not come (a worker died): the user may retry.
PENDING_STALE_AFTER = timedelta(minutes=5)

Status = ConversationHistory.Status
Role = ConversationHistory.Role


@dataclass(frozen=True)
class SendResult:
    message: ConversationHistory
    reply: ConversationHistory | None  # None while it is written in the background, or if it failed


class NotRetryable(Exception):
    """Only a message whose reply failed (or never came) can be sent again."""


def message_send(*, user, mode: str, content: str) -> SendResult:
    """Store the user's message and reply to it: at once (offline) or in a background task."""
    message = ConversationHistory.objects.create(
        user=user, mode=mode, role=Role.USER, content=content, status=Status.PENDING
    )
    message.user = user
    return _reply_or_queue(message=message)


def message_retry(*, message: ConversationHistory) -> SendResult:
    """Send a message again whose reply failed; it moves to the end of the conversation."""
    now = timezone.now()
    stale = now - PENDING_STALE_AFTER
    claimed = (
        ConversationHistory.objects.filter(pk=message.pk, role=Role.USER)
        .filter(Q(status=Status.FAILED) | Q(status=Status.PENDING, created_at__lt=stale))
        .update(status=Status.PENDING, created_at=now)
    )
    if not claimed:
        raise NotRetryable
    message.status, message.created_at = Status.PENDING, now
    return _reply_or_queue(message=message)


def _reply_or_queue(*, message: ConversationHistory) -> SendResult:
    provider = provider_get()
    if provider.background:
        outbox.enqueue(generate_reply, args=(message.pk,))
        return SendResult(message=message, reply=None)
    reply = _reply_generate(message=message, provider=provider)
    return SendResult(message=message, reply=reply)


def reply_generate(*, message_id: int) -> ConversationHistory | None:
    """Write and store the reply to a user's message. Idempotent: a message gets one reply.

    Returns the reply, or None when there is nothing to do (already answered,
    cleared meanwhile) or the provider failed (the message is then `failed`).
    """
    message = (
        ConversationHistory.objects.select_related("user")
        .filter(pk=message_id, role=Role.USER, status=Status.PENDING)
        .first()
    )
    if message is None:
        return None
    return _reply_generate(message=message, provider=provider_get())


def _reply_generate(*, message: ConversationHistory, provider: Provider) -> ConversationHistory | None:
    # Read before the provider is asked, whichever it is (docs/care.md).
    in_crisis = crisis_detect(message.content)
    context = context_build(message=message, care=in_crisis)
    started = time.perf_counter()
    computed = False

    def compute() -> str:
        nonlocal computed
        computed = True
        return provider.reply(context)

    try:
        scope = reply_scope(user_id=message.user_id, mode=message.mode)
        key = context.cache_key(provider=provider.name, model=provider.model, user_id=message.user_id, scope=scope)
        text = cached_sealed(key, REPLY_CACHE_SECONDS, compute, name="ai", user_id=message.user_id)
    except ProviderError as error:
        logger.warning("Companion reply failed for message %s: %s", message.pk, error)
        ConversationHistory.objects.filter(pk=message.pk, status=Status.PENDING).update(status=Status.FAILED)
        message.status = Status.FAILED
        return None
    elapsed = time.perf_counter() - started
    AI_REPLY_DURATION.labels(provider=provider.name, cached=str(not computed).lower()).observe(elapsed)

    if in_crisis:
        text = reply_with_care(reply=text, user=message.user, language=context.language)
    reply = ConversationHistory(
        user_id=message.user_id,
        mode=message.mode,
        role=Role.ASSISTANT,
        content=text,
        status=Status.ANSWERED,
        reply_to_id=message.pk,
        provider=provider.name,
        model=provider.model,
        latency_ms=round(elapsed * 1000),
        cached=not computed,
    )
    try:
        with transaction.atomic():
            # The row lock taken here makes a second run wait, then find nothing to answer.
            claimed = (
                ConversationHistory.objects.filter(pk=message.pk)
                .exclude(status=Status.ANSWERED)
                .update(status=Status.ANSWERED)
            )
            if not claimed:  # answered by another run, or the history was cleared
                return None
            reply.save(force_insert=True)
    except IntegrityError:  # the unique reply_to: another run stored its reply first
        return None
    message.status = Status.ANSWERED
    return reply


def message_mark_stale_failed(*, message: ConversationHistory) -> bool:
    """Mark a reply that has been pending too long as failed, so the user can retry."""
    if message.status != Status.PENDING or message.created_at >= timezone.now() - PENDING_STALE_AFTER:
        return False
    updated = ConversationHistory.objects.filter(pk=message.pk, status=Status.PENDING).update(status=Status.FAILED)
    if updated:
        message.status = Status.FAILED
    return bool(updated)


def history_clear(*, user, mode: str) -> int:
    """Delete the user's whole history in one mode, messages and replies in one statement, and its cached replies."""
    deleted = ConversationHistory.objects.filter(user=user, mode=mode).delete()[0]
    reply_cache_forget(user_id=user.pk, mode=mode)
    return deleted


def conversations_cleanup(*, now: datetime | None = None, batch_size: int = CLEANUP_BATCH_SIZE) -> int:
    """Delete messages older than CONVERSATION_RETENTION_DAYS, a batch at a time.

    Each batch picks the oldest ids through the created_at index and deletes
    them (with any reply to them) in its own short statement, so the table is
    never locked for long and other writers get in between. Idempotent.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.CONVERSATION_RETENTION_DAYS)
    deleted, _counts = delete_in_batches(
        ConversationHistory.objects.filter(created_at__lt=cutoff),
        batch_size=batch_size,
        order_by="created_at",
        # A reply goes with its message, even when the reply itself is newer than the cutoff.
        rows=lambda ids: ConversationHistory.objects.filter(Q(id__in=ids) | Q(reply_to_id__in=ids)),
    )
    return deleted


# --- Keeping a conversation in the diary -------------------------------------------------------

ENTRY_MESSAGES_MAX = 200


class NothingToSave(Exception):
    """The conversation has no messages."""


def conversation_save_to_diary(*, user, mode: str, up_to: ConversationHistory | None = None):
    """A diary entry holding the conversation (its newest ENTRY_MESSAGES_MAX messages), as Markdown.

    Written in the active language: a heading for each day, then who spoke and
    when, then the words. The oldest messages are left out if the whole would
    not fit in an entry. Goes through diary.services.entry_create, like any entry
    (docs/companion-replies.md).
    """
    from django.utils import formats
    from django.utils.translation import gettext as _

    from conversations.modes import MODES
    from conversations.selectors import Cursor, messages_for_entry
    from diary.services import CONTENT_MAX_LENGTH, entry_create

    rows = messages_for_entry(
        user=user, mode=mode, up_to=Cursor.of(up_to) if up_to else None, limit=ENTRY_MESSAGES_MAX
    )
    if not rows:
        raise NothingToSave
    you, companion = _("You"), _("Companion")
    blocks: list[str] = []
    day = None
    for row in rows:
        moment = timezone.localtime(row.created_at)
        if moment.date() != day:
            day = moment.date()
            blocks.append(f"## {formats.date_format(day, 'DATE_FORMAT')}")
        who = you if row.role == Role.USER else companion
        blocks.append(f"**{who}** · {formats.time_format(moment, 'TIME_FORMAT')}  \n{row.content.strip()}")
    content = "\n\n".join(blocks)
    while len(content) > CONTENT_MAX_LENGTH and len(blocks) > 2:
        blocks.pop(1 if blocks[0].startswith("## ") else 0)
        content = "\n\n".join(blocks)
    title = _("Conversation with the companion · %(mode)s") % {"mode": MODES[mode].name}
    return entry_create(user=user, title=title, content=content[:CONTENT_MAX_LENGTH])
