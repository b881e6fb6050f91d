"""Reads: the user cache, the admin's user list and the site statistics."""

from datetime import UTC, date, datetime, timedelta
from functools import partial

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts import usernames
from accounts.models import User
from conversations.models import ConversationHistory
from diary.models import DiaryEntry
from journal_site.caching import cached

USER_CACHE_TIMEOUT = 30 * 60
STATS_OVERVIEW_KEY = "stats:overview"
STATS_OVERVIEW_TIMEOUT = 5 * 60
STATS_DAYS = 30


def user_cache_key(*, user_id: int) -> str:
    return f"user:id:{user_id}"


def _user_columns() -> list[str]:
    return [field.attname for field in User._meta.concrete_fields]


def _user_row(*, user_id: int) -> dict | None:
    columns = _user_columns()
    row = User.objects.filter(pk=user_id).values_list(*columns).first()
    return None if row is None else {"columns": columns, "values": list(row)}


def user_get_cached(*, user_id: int | str | None) -> User | None:
    """The user with this id, read from `user:id:{id}` (30 minutes), or None if there is none.

    The cache holds the row's values, not a pickled model, so a deploy that
    adds a column reads a stale entry as a miss instead of failing. A missing
    user is cached too (ids are never reused), so a stale session or token of
    a deleted account costs no query either.
    """
    try:
        user_id = int(user_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    key = user_cache_key(user_id=user_id)
    data = cached(key, USER_CACHE_TIMEOUT, partial(_user_row, user_id=user_id), name="users")
    if data is not None and data["columns"] != _user_columns():
        data = _user_row(user_id=user_id)
        cache.set(key, data, USER_CACHE_TIMEOUT)
    if data is None:
        return None
    return User.from_db(DEFAULT_DB_ALIAS, data["columns"], data["values"])


def user_identifier_condition(identifier: str) -> Q:
    """The account a typed username or email names (an email has an "@", a username never does)."""
    identifier = identifier.strip()
    if "@" in identifier:
        return Q(email__lower=identifier.lower())
    return Q(username_key=usernames.key(identifier))


def user_id_for_identifier(identifier: str) -> int | None:
    return User.objects.filter(user_identifier_condition(identifier)).values_list("pk", flat=True).first()


# --- Admin ------------------------------------------------------------------------


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


def user_search_condition(*, search: str) -> Q | None:
    """Users whose username or email begins with the search, in any letter case."""
    search = search.strip().lower()
    if not search:
        return None
    return Q(username__lower__startswith=search) | Q(email__lower__startswith=search)


def user_last_activity(user: User) -> datetime | None:
    """The latest of signing in, writing an entry and talking to the companion."""
    moments = [getattr(user, name, None) for name in ("last_login", "last_entry_at", "last_message_at")]
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


# --- Statistics ---------------------------------------------------------------------


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
