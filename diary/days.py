"""The local days a user wrote on: per-day totals, streaks and the dashboard's figures.

Days are the user's own: an entry falls on the date it was written in the
user's time zone. One grouped query returns a row per day written (entries,
words, the sum and count of moods), so the cost grows with the number of
days written, not with the number of entries. The insights' statistics are
built on the same totals.

The dashboard's figures are cached per user under the statistics version
(`diary.cache`), with the time zone and the local date in the key.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.timezones import user_zone
from diary.cache import STATS_TIMEOUT, stats_key
from diary.models import DiaryEntry
from journal_site.caching import cached


def stats_scope(*, user, now: datetime | None = None) -> tuple[zoneinfo.ZoneInfo, date]:
    """The user's time zone and today's date there: with the period, what a cached result depends on."""
    tz = user_zone(user=user)
    return tz, timezone.localtime(now or timezone.now(), tz).date()


def streak_summary(*, user, now: datetime | None = None) -> dict[str, int]:
    """The current streak and the days written this calendar month (the dashboard's figures), cached.

    One grouped query on a miss (days written, over all time); then cached
    like every statistic until the user's entries change or the day does.
    """
    tz, today = stats_scope(user=user, now=now)
    key = stats_key(user_id=user.pk, name=f"summary:2:{tz.key}:{today.isoformat()}")

    def compute() -> dict[str, int]:
        days = [d for d in day_totals(user_id=user.pk, tz=tz) if d <= today]
        return {
            "current_streak": streaks(written_days=days, today=today)["current"],
            "month_days": sum(1 for d in days if (d.year, d.month) == (today.year, today.month)),
            "days_written": len(days),  # none yet: the dashboard greets a new writer instead of counting
        }

    return cached(key, STATS_TIMEOUT, compute, name="stats")


def day_totals(*, user_id: int, tz: zoneinfo.ZoneInfo) -> dict[date, dict[str, int]]:
    """Per local day the user wrote on, over all time: entries, words and mood sums, in one grouped query."""
    rows = (
        DiaryEntry.objects.filter(user_id=user_id)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(entries=Count("id"), words=Sum("word_count"), mood_sum=Sum("mood"), mood_n=Count("mood"))
        .order_by("day")
    )
    return {
        as_date(row["day"]): {
            "entries": row["entries"],
            "words": row["words"] or 0,
            "mood_sum": row["mood_sum"] or 0,
            "mood_n": row["mood_n"],
        }
        for row in rows
    }


def streaks(*, written_days: list[date], today: date) -> dict[str, int]:
    """The longest run of consecutive days written, and the current one.

    The current streak is still alive when today has no entry yet but
    yesterday has: the day is not over.
    """
    longest = run = 0
    previous = None
    for day in sorted(written_days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    written = set(written_days)
    current = 0
    day = today if today in written else today - timedelta(days=1)
    while day in written:
        current += 1
        day -= timedelta(days=1)
    return {"current": current, "longest": longest}


def as_date(value) -> date:
    """A day as the database returns it: PostgreSQL returns dates; SQLite returns ISO strings through some paths."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
