"""Reads across every app for the admin: users with their counts, and the site statistics.

Counts and times only; no entry or message text ever leaves here.
"""

from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import User
from accounts.selectors import user_search_condition
from conversations.models import ConversationHistory
from diary.models import DiaryEntry
from journal_site.caching import cached

STATS_OVERVIEW_KEY = "stats:overview"
STATS_OVERVIEW_TIMEOUT = 5 * 60
STATS_DAYS = 30


def _per_user(model, aggregate) -> Subquery:
    """A correlated subquery over one user's rows, answered from the (user, ...) indexes."""
    return Subquery(
        model.objects.filter(user=OuterRef("pk")).order_by().values("user").annotate(v=aggregate).values("v")[:1]
    )


def user_list_for_admin(*, search: str = "", is_active: bool | None = None) -> QuerySet[User]:
    """Users, newest first, each with counts and times of their entries and messages.

    The counts are subqueries of the selected page only, so a page costs one
    query however many users, entries or messages exist; no text is read.
    """
    queryset = User.objects.annotate(
        entry_count=Coalesce(_per_user(DiaryEntry, Count("*")), 0, output_field=IntegerField()),
        message_count=Coalesce(_per_user(ConversationHistory, Count("*")), 0, output_field=IntegerField()),
        last_entry_at=_per_user(DiaryEntry, Max("created_at")),
        last_message_at=_per_user(ConversationHistory, Max("created_at")),
    ).order_by("-created_at", "-id")
    condition = user_search_condition(search=search)
    if condition:
        queryset = queryset.filter(condition)
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    return queryset


def user_last_activity(user: User) -> datetime | None:
    """The latest of signing in, writing an entry and talking to the companion."""
    moments = [getattr(user, name, None) for name in ("last_login", "last_entry_at", "last_message_at")]
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


def _per_day(model, *, since: datetime, days: list[date]) -> list[dict]:
    rows = (
        model.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .order_by()
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    counts = dict(rows)
    return [{"date": day.isoformat(), "count": counts.get(day, 0)} for day in days]


def stats_overview_compute() -> dict:
    """The site at a glance, in UTC days: users, and entries and messages per day for 30 days."""
    now = timezone.now()
    today = now.astimezone(UTC).date()
    days = [today - timedelta(days=offset) for offset in range(STATS_DAYS - 1, -1, -1)]
    since = datetime.combine(days[0], datetime.min.time(), tzinfo=UTC)
    users = User.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(is_active=True)),
        new_this_week=Count("id", filter=Q(created_at__gte=now - timedelta(days=7))),
    )
    return {
        "users_total": users["total"],
        "users_active": users["active"],
        "users_new_this_week": users["new_this_week"],
        "entries_per_day": _per_day(DiaryEntry, since=since, days=days),
        "messages_per_day": _per_day(ConversationHistory, since=since, days=days),
        "computed_at": now.isoformat(),
    }


def stats_overview_get() -> dict:
    """The statistics, cached for 5 minutes under `stats:overview`."""
    return cached(STATS_OVERVIEW_KEY, STATS_OVERVIEW_TIMEOUT, stats_overview_compute, name="stats")
