"""Reads of the companion's history: one user's messages, always through an index."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.timezones import user_zone
from conversations.models import ConversationHistory
from conversations.modes import Mode
from diary.models import DiaryEntry

PAGE_SIZE = 30
# What the companion is shown of the conversation: the newest messages that fit.
CONTEXT_MAX_MESSAGES = 20
CONTEXT_MAX_CHARS = 12_000
# What it may be shown of the diary, with the user's consent.
ENTRIES_MAX = 5
ENTRIES_MAX_DAYS = 14
ENTRY_EXCERPT_CHARS = 280
SNIPPET_CHARS = 140
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BIGINT_MAX = 2**63 - 1


def message_get_for_user(*, user, mode: str, message_id: int) -> ConversationHistory:
    """The user's message in that mode, or 404 (also for another user's message)."""
    message = ConversationHistory.objects.filter(pk=message_id, user=user, mode=mode).first()
    if message is None:
        raise Http404("No such message.")
    return message


def conversation_overview(*, user) -> dict[str, ConversationHistory]:
    """The last message of each mode the user has talked in, in one query.

    Each mode's last message is a scalar subquery that reads one row from the
    (user, mode, created_at, id) index backwards, so the cost is four index
    probes however long the histories are.
    """
    last_ids = Q()
    for mode in Mode:
        newest = (
            ConversationHistory.objects.filter(user=user, mode=mode.value)
            .order_by("-created_at", "-id")
            .values("id")[:1]
        )
        last_ids |= Q(pk=newest)
    messages = list(ConversationHistory.objects.filter(last_ids))
    for message in messages:  # the text is sealed: its start is cut here, not by the database
        message.snippet = message.content[: SNIPPET_CHARS + 1]
    return {message.mode: message for message in messages}


# --- Pages of history -------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """A position in a history: the (created_at, id) of a message, as text in URLs."""

    created_at: datetime
    id: int

    def __str__(self) -> str:
        micros = (self.created_at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> "Cursor | None":
        """The cursor in text, or None for a missing or malformed one."""
        if not text:
            return None
        try:
            micros, message_id = (int(part) for part in text.split("-", 1))
            created_at = _EPOCH + timedelta(microseconds=micros)
        except (ValueError, OverflowError):
            return None
        if not 0 < message_id <= _BIGINT_MAX:  # a larger id makes the database raise
            return None
        return cls(created_at=created_at, id=message_id)

    @classmethod
    def of(cls, message: ConversationHistory) -> "Cursor":
        return cls(created_at=message.created_at, id=message.id)


# The plain created_at bound is redundant with the OR beside it, but it is what lets the database
# start the index scan at the cursor instead of filtering every newer row on the way there.
def _before(cursor: Cursor) -> Q:
    return Q(created_at__lte=cursor.created_at) & (
        Q(created_at__lt=cursor.created_at) | Q(created_at=cursor.created_at, id__lt=cursor.id)
    )


def _after(cursor: Cursor) -> Q:
    return Q(created_at__gte=cursor.created_at) & (
        Q(created_at__gt=cursor.created_at) | Q(created_at=cursor.created_at, id__gt=cursor.id)
    )


@dataclass(frozen=True)
class HistoryPage:
    messages: list[ConversationHistory]  # oldest first
    older: Cursor | None  # where the page before this one ends, if there is one
    newer: Cursor | None  # where the page after this one starts, if this is not the newest


def _history(*, user, mode: str) -> QuerySet[ConversationHistory]:
    return ConversationHistory.objects.filter(user=user, mode=mode)


def message_page(
    *, user, mode: str, before: Cursor | None = None, after: Cursor | None = None, size: int = PAGE_SIZE
) -> HistoryPage:
    """One page of the history, oldest to newest within the page; the newest page by default.

    Keyset pagination over the (user, mode, created_at, id) index: a page
    costs one query whose work does not grow with the history's length.
    """
    if after is not None and before is None:
        rows = list(_history(user=user, mode=mode).filter(_after(after)).order_by("created_at", "id")[: size + 1])
        has_newer = len(rows) > size
        rows = rows[:size]
        return HistoryPage(
            messages=rows,
            older=Cursor.of(rows[0]) if rows else after,
            newer=Cursor.of(rows[-1]) if rows and has_newer else None,
        )
    queryset = _history(user=user, mode=mode)
    if before is not None:
        queryset = queryset.filter(_before(before))
    rows = list(queryset.order_by("-created_at", "-id")[: size + 1])
    has_older = len(rows) > size
    rows = rows[:size][::-1]
    return HistoryPage(
        messages=rows,
        older=Cursor.of(rows[0]) if rows and has_older else None,
        newer=Cursor.of(rows[-1]) if rows and before is not None else None,
    )


def messages_for_entry(*, user, mode: str, up_to: Cursor | None = None, limit: int) -> list[ConversationHistory]:
    """The newest `limit` messages of a conversation (up to and including `up_to`), oldest first.

    One query down the (user, mode, created_at, id) index. A message still
    waiting for its reply is included: it is what the user wrote.
    """
    queryset = _history(user=user, mode=mode).only("user", "role", "content", "created_at")
    if up_to is not None:
        queryset = queryset.filter(_before(up_to) | Q(created_at=up_to.created_at, id=up_to.id))
    return list(queryset.order_by("-created_at", "-id")[:limit])[::-1]


def message_reply(*, message: ConversationHistory) -> ConversationHistory | None:
    """The reply to a user's message, if it has arrived."""
    return ConversationHistory.objects.filter(reply_to=message).first()


# --- What the companion is shown -----------------------------------------------------------


def context_history(*, message: ConversationHistory) -> list[tuple[str, str]]:
    """(role, content) of the conversation up to and including `message`, oldest first.

    The newest earlier messages of the mode that fit CONTEXT_MAX_MESSAGES and
    CONTEXT_MAX_CHARS; the user's messages still waiting for a reply or whose
    reply failed are left out, since the companion never answered them.
    The message itself is always included.
    """
    earlier = (
        _history(user=message.user_id, mode=message.mode)
        .filter(_before(Cursor.of(message)))
        .filter(Q(role=ConversationHistory.Role.ASSISTANT) | Q(status=ConversationHistory.Status.ANSWERED))
        .order_by("-created_at", "-id")
        .only("user", "role", "content")[: CONTEXT_MAX_MESSAGES - 1]
    )
    budget = CONTEXT_MAX_CHARS - len(message.content)
    turns: list[tuple[str, str]] = []
    for role, content in ((row.role, row.content) for row in earlier):
        budget -= len(content)
        if budget < 0:
            break
        turns.append((role, content))
    # A history that starts with the companion's reply to a message it no longer sees reads oddly.
    while turns and turns[-1][0] == ConversationHistory.Role.ASSISTANT:
        turns.pop()
    turns.reverse()
    turns.append((ConversationHistory.Role.USER, message.content))
    return turns


@dataclass(frozen=True)
class EntryNote:
    """What the companion may see of one diary entry."""

    date: str
    title: str
    mood: int | None
    emotions: tuple[str, ...]
    excerpt: str


def entry_notes_for_ai(*, user, now: datetime | None = None) -> list[EntryNote]:
    """The user's recent entries for the companion: only with consent, never an excluded entry.

    Reads the newest few entries of the last ENTRIES_MAX_DAYS days through the
    (user, created_at) index, and keeps only the start of each text (sealed: opened here, the
    database cannot cut it; docs/encryption.md).
    """
    if not user.ai_can_read_entries:
        return []
    since = (now or timezone.now()) - timedelta(days=ENTRIES_MAX_DAYS)
    entries = (
        DiaryEntry.objects.filter(user=user, exclude_from_ai=False, created_at__gte=since)
        .order_by("-created_at", "-id")
        .only("user_id", "created_at", "title", "content", "mood", "emotion_tags")[:ENTRIES_MAX]
    )
    zone = user_zone(user)
    notes = []
    for entry in entries:
        excerpt = " ".join(entry.content[:ENTRY_EXCERPT_CHARS + 1].split())
        if len(excerpt) > ENTRY_EXCERPT_CHARS:
            excerpt = excerpt[:ENTRY_EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"
        tags = entry.emotion_tags if isinstance(entry.emotion_tags, list) else []
        notes.append(
            EntryNote(
                date=entry.created_at.astimezone(zone).date().isoformat(),
                title=entry.title[:120],
                mood=entry.mood,
                emotions=tuple(str(tag) for tag in tags[:8]),
                excerpt=excerpt,
            )
        )
    return notes
