"""Every non-trivial read of diary entries.

Lists are one indexed query (plus the paginator's count on pages that show
it): the user's entries via ix_diary_entries_user_created, a tag through the
GIN index on emotion_tags or on the user's own tags (``@>``), a search through the GIN index over
the blind index ``search_index`` (diary.search). Lists never load ``content``: they show the stored
plain-text ``excerpt`` (diary.excerpts).
"""

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import partial, reduce
from operator import or_
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Avg, Count, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.keys import cached_sealed, search_key
from diary.cache import STATS_TIMEOUT, stats_key
from diary.emotions import EMOTION_CODES, MOOD_MAX, MOOD_MIN, MOOD_RANGE_MESSAGE
from diary.excerpts import highlight
from diary.models import DiaryEntry
from diary.search import json_number_in, query_words, search_filter, tag_hashes, title_rank
from diary.writing import user_tag_names

QUERY_MAX_LENGTH = 200
# Filters and the calendar accept dates in this range; anything else is a 400,
# never an overflow deep in the date arithmetic.
FILTER_DATE_MIN = date(1900, 1, 1)
FILTER_DATE_MAX = date(9998, 12, 31)
LIST_FIELDS = (
    "id", "user_id", "title", "excerpt", "mood", "emotion_tags", "tags", "exclude_from_ai", "created_at", "updated_at",
)
ON_THIS_DAY_LIMIT = 20
# The own tags a filter offers and accepts: all of them within the per-user cap (docs/reading.md).
TAG_FILTER_MAX = 1000
_BIGINT_MAX = 2**63 - 1


@dataclass(frozen=True)
class EntryFilters:
    q: str = ""
    tag: str | None = None  # an emotion code
    own_tag: str | None = None  # one of the user's own tags, as the user's tag list spells it
    mood: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.tag or self.own_tag or self.mood or self.date_from or self.date_to)


def user_tag_names_cached(*, user_id: int) -> list[str]:
    """The user's own tag names in alphabetical order, kept with the user's statistics (docs/caching.md)."""
    key = stats_key(user_id=user_id, name="own-tags")
    compute = partial(user_tag_names, user=user_id, limit=TAG_FILTER_MAX)
    return cached_sealed(key, STATS_TIMEOUT, compute, name="stats", user_id=user_id)


def _date_parse(value: str, errors: list[str]) -> date | None:
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        errors.append(_("Enter a date as YYYY-MM-DD."))
        return None
    if not FILTER_DATE_MIN <= parsed <= FILTER_DATE_MAX:
        errors.append(_("Enter a date between %(min)s and %(max)s.") % {
            "min": FILTER_DATE_MIN.isoformat(), "max": FILTER_DATE_MAX.isoformat()})
        return None
    return parsed


def entry_filters_parse(
    *, params: Mapping[str, str], allow_blank: bool = True, own_tags: Callable[[], list[str]] = list
) -> EntryFilters:
    """Filters from query parameters (q, tag, mood, from, to); ValidationError names each bad one.

    A page's filter form sends every field, empty ones too, so blank means
    "no filter" there; the API (`allow_blank=False`) wants a parameter left
    out rather than sent empty. `tag` is an emotion code or one of the names
    `own_tags()` returns (any letter case); a name that is both finds either.
    """
    errors: dict[str, list[str]] = {}
    if not allow_blank:
        for name in ("tag", "mood", "from", "to"):
            if name in params and not params[name]:
                errors[name] = [_("Leave the parameter out or give it a value.")]
    q = (params.get("q") or "").replace("\x00", "").strip()
    if len(q) > QUERY_MAX_LENGTH:
        errors["q"] = [_("Keep the search under %(limit)s characters.") % {"limit": QUERY_MAX_LENGTH}]
    tag = params.get("tag") or None
    own_tag = None
    if tag is not None:
        folded = tag.casefold()
        own_tag = next((name for name in own_tags() if name.casefold() == folded), None)
        if tag not in EMOTION_CODES:
            if own_tag is None:
                errors["tag"] = [_("Unknown emotion or tag: %(code)s.") % {"code": tag[:40]}]
            tag = None
    mood = None
    if params.get("mood"):
        value = params["mood"]
        # ASCII digits only: int() would also take " 2", "+2" and other scripts' digits.
        mood = int(value) if value.isascii() and value.isdigit() and len(value) <= 2 else -1
        if not MOOD_MIN <= mood <= MOOD_MAX:
            errors["mood"] = [str(MOOD_RANGE_MESSAGE)]
    dates: dict[str, date | None] = {}
    for name in ("from", "to"):
        dates[name] = None
        if params.get(name):
            field_errors: list[str] = []
            dates[name] = _date_parse(params[name], field_errors)
            if field_errors:
                errors[name] = field_errors
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        errors["to"] = [_("The end date is before the start date.")]
    if errors:
        raise ValidationError(errors)
    return EntryFilters(q=q, tag=tag, own_tag=own_tag, mood=mood, date_from=dates["from"], date_to=dates["to"])


def local_day_start(day: date, tz: tzinfo) -> datetime:
    """The moment `day` begins in `tz`, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), tz)


def _tag_filter(queryset: QuerySet, tag: str | None, own_tag: str | None, *, user_id: int) -> QuerySet:
    """Entries with the emotion `tag` or the own tag `own_tag` (either, when both are given).

    An own tag goes by its keyed hash (its name is sealed): ix_diary_entries_tags on PostgreSQL, as the
    emotion goes through ix_diary_entries_emotion_tags.
    """
    parts = []
    if tag:
        parts.append(Q(emotion_tags__contains=[tag]) if connection.vendor == "postgresql"
                     # The JSON text holds each code quoted.
                     else Q(emotion_tags__icontains=f'"{tag}"'))
    if own_tag:
        parts.append(json_number_in("tag_index", tag_hashes(user_id=user_id, names=[own_tag])[0]))
    return queryset.filter(reduce(or_, parts))


def entry_list(
    *,
    user,
    filters: EntryFilters,
    tz: tzinfo,
    content: bool = False,
    order: Literal["newest", "relevance"] = "newest",
) -> QuerySet[DiaryEntry]:
    """The user's entries matching `filters`, newest first (or by relevance when searching).

    Without `content`, the rows carry the stored `excerpt` instead of the content itself.
    """
    queryset = DiaryEntry.objects.filter(user=user)
    if filters.date_from:
        queryset = queryset.filter(created_at__gte=local_day_start(filters.date_from, tz))
    if filters.date_to:
        queryset = queryset.filter(created_at__lt=local_day_start(filters.date_to + timedelta(days=1), tz))
    if filters.mood:
        queryset = queryset.filter(mood=filters.mood)
    if filters.tag or filters.own_tag:
        queryset = _tag_filter(queryset, filters.tag, filters.own_tag, user_id=getattr(user, "pk", user))
    ordering = ["-created_at", "-id"]
    if filters.q:
        key = search_key(user_id=getattr(user, "pk", user))
        words = search_filter(key=key, q=filters.q)
        if words is None:  # punctuation only: nothing can match
            return queryset.none()
        queryset = queryset.filter(words)
        if order == "relevance":
            # The entries whose title holds the most words first, then the newest.
            queryset = queryset.alias(rank=title_rank(key=key, q=filters.q))
            ordering = ["-rank", *ordering]
    queryset = (queryset.defer("source_id", "excerpt", "search_index", "tag_index") if content
                else queryset.only(*LIST_FIELDS))
    return queryset.order_by(*ordering)


def entry_highlight(entries, *, q: str) -> None:
    """Give each entry of a search's page `marked_title` and `marked_excerpt`: escaped, matches in <mark>."""
    found = query_words(q)
    words = [word.folded for word in found]
    forms = frozenset().union(*(word.forms for word in found))
    for entry in entries:
        entry.marked_title = highlight(entry.display_title, words, forms)
        entry.marked_excerpt = highlight(entry.display_excerpt, words, forms)


def entry_get_for_user(*, user, entry_id: int) -> DiaryEntry:
    """The user's entry with this id; 404 for anyone else's or a missing one."""
    if not 0 < entry_id <= _BIGINT_MAX:
        raise Http404
    try:
        return DiaryEntry.objects.defer("source_id", "search_index", "tag_index").get(pk=entry_id, user=user)
    except DiaryEntry.DoesNotExist:
        raise Http404 from None


def entry_neighbours(*, entry: DiaryEntry) -> tuple[DiaryEntry | None, DiaryEntry | None]:
    """The owner's entries just before (older) and just after (newer) `entry` in diary order.

    One query: the rows whose id is one of two scalar subqueries, each a
    one-row probe of ix_diary_entries_user_created that starts at the entry
    (the plain created_at bound beside the OR is what lets the index scan
    start there); the outer rows are two primary-key lookups. Equal dates are
    ordered by id, as the list orders them.
    """
    mine = DiaryEntry.objects.filter(user_id=entry.user_id)
    moment, same_moment = entry.created_at, Q(created_at=entry.created_at)
    older = mine.filter(Q(created_at__lte=moment), Q(created_at__lt=moment) | (same_moment & Q(id__lt=entry.pk)))
    newer = mine.filter(Q(created_at__gte=moment), Q(created_at__gt=moment) | (same_moment & Q(id__gt=entry.pk)))
    rows = DiaryEntry.objects.filter(
        Q(pk=Subquery(older.order_by("-created_at", "-id").values("pk")[:1]))
        | Q(pk=Subquery(newer.order_by("created_at", "id").values("pk")[:1]))
    ).only(*LIST_FIELDS)
    found = {("older" if (row.created_at, row.pk) < (entry.created_at, entry.pk) else "newer"): row for row in rows}
    return found.get("older"), found.get("newer")


def _short_list(queryset: QuerySet) -> QuerySet[DiaryEntry]:
    return queryset.only(*LIST_FIELDS)


def entry_list_for_day(*, user, day: date, tz: tzinfo, limit: int = 50) -> list[DiaryEntry]:
    """The user's entries written on `day` in `tz`, oldest first."""
    queryset = DiaryEntry.objects.filter(
        user=user,
        created_at__gte=local_day_start(day, tz),
        created_at__lt=local_day_start(day + timedelta(days=1), tz),
    )
    return list(_short_list(queryset).order_by("created_at", "id")[:limit])


def checkin_today(*, user, tz: tzinfo) -> DiaryEntry | None:
    """The user's latest entry of their today that has a mood: the one a second check-in may update."""
    day = timezone.localdate(timezone=tz)
    return (
        DiaryEntry.objects.filter(
            user=user, mood__isnull=False,
            created_at__gte=local_day_start(day, tz), created_at__lt=local_day_start(day + timedelta(days=1), tz),
        )
        .only(*LIST_FIELDS)
        .order_by("-created_at", "-id")
        .first()
    )


def entry_list_on_this_day(*, user, today: date, tz: tzinfo) -> list[DiaryEntry]:
    """Entries from the same month and day in earlier years, most recent year first.

    One small query finds the user's first year, then one query asks for a
    day-long range per earlier year, so each range is an index probe on
    (user_id, created_at) rather than a scan of everything the user wrote.
    On 28 February of a common year, 29 February entries are included.
    """
    first = (
        DiaryEntry.objects.filter(user=user, created_at__lt=local_day_start(today, tz))
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if first is None:
        return []
    ranges = Q()
    for year in range(today.year - 1, max(timezone.localtime(first, tz).year, FILTER_DATE_MIN.year) - 1, -1):
        for day in _same_day_in(year, today):
            ranges |= Q(
                created_at__gte=local_day_start(day, tz),
                created_at__lt=local_day_start(day + timedelta(days=1), tz),
            )
    if not ranges:
        return []
    queryset = DiaryEntry.objects.filter(ranges, user=user).order_by("-created_at", "-id")
    return list(_short_list(queryset)[:ON_THIS_DAY_LIMIT])


def _same_day_in(year: int, today: date) -> list[date]:
    days = []
    with suppress(ValueError):  # 29 February in a common year: nothing that day
        days.append(today.replace(year=year))
    if today.month == 2 and today.day == 28 and _is_leap(year) and not _is_leap(today.year):
        days.append(date(year, 2, 29))
    return days


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    count: int
    mood_average: float | None

    @property
    def mood_step(self) -> int | None:
        """The mood step whose colour the day takes: the average, rounded half up."""
        return None if self.mood_average is None else int(self.mood_average + 0.5)


def calendar_month(*, user, year: int, month: int, tz: tzinfo) -> dict[date, CalendarDay]:
    """Per day of the month (in `tz`): how many entries and their average mood. One grouped query."""
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    rows = (
        DiaryEntry.objects.filter(
            user=user, created_at__gte=local_day_start(start, tz), created_at__lt=local_day_start(end, tz)
        )
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(count=Count("id"), mood_average=Avg("mood"))
        .order_by("day")
    )
    return {
        row["day"]: CalendarDay(day=row["day"], count=row["count"], mood_average=row["mood_average"]) for row in rows
    }
