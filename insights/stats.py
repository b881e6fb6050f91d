"""Statistics of one user's diary, in the user's own time zone.

Everything is aggregated by the database: one grouped query returns a row
per local day the user wrote on (entries, words, the sum and count of
moods: `diary.days.day_totals`), and one more expands the emotion tags and
own tags of the chosen period. Python then only walks days, never entries,
so the cost grows with the number of days written (a few thousand in ten
years), not with the number of entries.

Mood is averaged per day first: a day's mood is the average of its entries'
moods, and every other mood figure (the period's average, the 7-day moving
average, by weekday, by emotion) is an average of day moods, so a day with
five entries weighs as much as a day with one.

The result is cached per user for five minutes under a key that names the
period, the time zone and the local date, and any change to the user's
entries bumps the user's statistics version (`diary.cache`).
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models.functions import TruncDate

from accounts.keys import cached_sealed
from diary.cache import STATS_TIMEOUT, stats_key
from diary.days import as_date, day_totals, stats_scope, streaks
from diary.json_lists import json_list_expand
from diary.models import DiaryEntry
from diary.writing import user_tags

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 30
MOVING_AVERAGE_DAYS = 7


class InvalidPeriod(ValueError):
    pass


def stats_period_parse(*, value: str | None) -> int:
    """The `days` query parameter: empty means the default; anything but 7, 30, 90, 365 is refused."""
    if value is None or value == "":
        return DEFAULT_PERIOD
    if value not in {str(days) for days in PERIODS}:
        raise InvalidPeriod(value)
    return int(value)


def stats_for_user(*, user, days: int, now: datetime | None = None) -> dict[str, Any]:
    """The user's statistics for the last `days` local days, today included (cached five minutes)."""
    if days not in PERIODS:
        raise InvalidPeriod(str(days))
    tz, today = stats_scope(user=user, now=now)
    key = stats_key(user_id=user.pk, name=f"overview:{days}:{tz.key}:{today.isoformat()}")
    # Sealed: the statistics name the user's own tags (docs/encryption.md).
    return cached_sealed(
        key, STATS_TIMEOUT, lambda: stats_compute(user_id=user.pk, tz=tz, days=days, today=today), name="stats",
        user_id=user.pk,
    )


def stats_compute(*, user_id: int, tz: zoneinfo.ZoneInfo, days: int, today: date) -> dict[str, Any]:
    """Compute the statistics with two grouped queries (uncached; see stats_for_user)."""
    start = today - timedelta(days=days - 1)
    per_day = day_totals(user_id=user_id, tz=tz)
    day_mood = {d: row["mood_sum"] / row["mood_n"] for d, row in per_day.items() if row["mood_n"]}

    daily = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        row = per_day.get(day)
        window = [day_mood[d] for d in _days_back(day, MOVING_AVERAGE_DAYS) if d in day_mood]
        daily.append(
            {
                "date": day,
                "entries": row["entries"] if row else 0,
                "words": row["words"] if row else 0,
                "mood": _round(day_mood.get(day)),
                "mood_7d": _round(sum(window) / len(window)) if window else None,
            }
        )

    period_moods = [day_mood[d["date"]] for d in daily if d["date"] in day_mood]
    written = [d for d in daily if d["entries"]]
    totals = {
        "entries": sum(d["entries"] for d in daily),
        "words": sum(d["words"] for d in daily),
        "days_written": len(written),
        "mood_average": _round(sum(period_moods) / len(period_moods)) if period_moods else None,
    }

    weekdays = []
    for weekday in range(7):
        moods = [day_mood[d["date"]] for d in daily if d["date"].weekday() == weekday and d["date"] in day_mood]
        weekdays.append(
            {
                "weekday": weekday,
                "mood": _round(sum(moods) / len(moods)) if moods else None,
                "days": len(moods),
            }
        )

    return {
        "days": days,
        "timezone": tz.key,
        "start": start,
        "end": today,
        "totals": totals,
        "streaks": streaks(written_days=[d for d in per_day if d <= today], today=today),
        "daily": daily,
        "weekdays": weekdays,
        "weekly": _weekly(daily),
        **_tag_lists(user_id=user_id, tz=tz, start=start, end=today, period_moods=period_moods),
        "heatmap": _heatmap(per_day=per_day, day_mood=day_mood, today=today),
    }


def _weekly(daily: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Weeks (Monday to Sunday) of the period: the average of their day moods and how many days had one.

    A year of days is too many dots for a chart; a year of weeks is not. The
    first and last weeks may be partial.
    """
    weeks: dict[date, list[float]] = {}
    for day in daily:
        monday = day["date"] - timedelta(days=day["date"].weekday())
        moods = weeks.setdefault(monday, [])
        if day["mood"] is not None:
            moods.append(day["mood"])
    return [
        {"start": monday, "mood": _round(sum(moods) / len(moods)) if moods else None, "days": len(moods)}
        for monday, moods in weeks.items()
    ]


# The JSON list columns that statistics count: the emotion vocabulary, and the user's own tags.
# Own tags are counted by their keyed hashes (tag_index: the names are sealed) and named afterwards.
_LIST_COLUMNS = {"emotion": "e.emotion_tags", "tag": "e.tag_index"}


def _emotions(*, user_id: int, tz: zoneinfo.ZoneInfo, start: date, end: date) -> dict[str, list[dict[str, Any]]]:
    """For each emotion and each of the user's own tags in the period: entries, days, and those days' average mood.

    The inner query is built by the ORM (so the local-day expression is the
    same one Django uses everywhere); the outer one expands both tag lists in
    one pass, which the ORM cannot express portably.
    """
    # A day of slack each side keeps the created_at range indexable while
    # the exact local-day filter decides.
    lower = datetime.combine(start, time.min, tzinfo=tz) - timedelta(days=1)
    upper = datetime.combine(end, time.min, tzinfo=tz) + timedelta(days=2)
    inner = (
        DiaryEntry.objects.filter(user_id=user_id, created_at__gte=lower, created_at__lt=upper)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .filter(day__gte=start, day__lte=end)
        .order_by()
        .values("id", "day", "mood", "emotion_tags", "tag_index")
    )
    inner_sql, params = inner.query.sql_with_params()
    expansions = []
    for kind, column in _LIST_COLUMNS.items():
        join, value = json_list_expand(column=column)
        expansions.append(f"SELECT DISTINCT e.id, e.day, '{kind}' AS kind, {value} AS tag FROM e {join}")  # noqa: S608  # nosec B608
    sql = f"""
        WITH e AS ({inner_sql}),
        day_mood AS (SELECT e.day, AVG(e.mood) AS mood FROM e GROUP BY e.day),
        tagged AS ({" UNION ALL ".join(expansions)}),
        tag_days AS (SELECT kind, tag, day, COUNT(*) AS entries FROM tagged GROUP BY kind, tag, day)
        SELECT tag_days.kind, tag_days.tag, tag_days.day, tag_days.entries, day_mood.mood
        FROM tag_days JOIN day_mood ON day_mood.day = tag_days.day
    """  # noqa: S608 - only the ORM's own SQL (parameters stay parameters) and constants  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # One row per tag and day (a heavy year is a few thousand): summed here, with each own tag's months.
    names = user_tags(user=user_id) if any(kind == "tag" for kind, *_rest in rows) else {}
    sums: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, tag, day, entries, mood in rows:
        if kind == "tag":
            tag = names.get(int(tag))
            if tag is None:  # a tag no longer on the user's list
                continue
        item = sums.setdefault((kind, str(tag)), {"entries": 0, "days": 0, "mood_sum": 0.0, "mood_days": 0,
                                                   "months": {}})
        item["entries"] += int(entries)
        item["days"] += 1
        if mood is not None:
            item["mood_sum"] += float(mood)
            item["mood_days"] += 1
        month = as_date(day).replace(day=1)
        item["months"][month] = item["months"].get(month, 0) + int(entries)
    found: dict[str, list[dict[str, Any]]] = {kind: [] for kind in _LIST_COLUMNS}
    for (kind, tag), item in sums.items():
        mood = item["mood_sum"] / item["mood_days"] if item["mood_days"] else None
        row = {"code" if kind == "emotion" else "name": tag, "entries": item["entries"], "days": item["days"],
               "mood": _round(mood)}
        if kind == "tag":
            row["_mood_sum"], row["_mood_days"], row["_months"] = item["mood_sum"], item["mood_days"], item["months"]
        found[kind].append(row)
    for kind, items in found.items():
        items.sort(key=lambda item, key=("code" if kind == "emotion" else "name"): (-item["entries"], item[key]))
    return found


def _tag_lists(*, period_moods: list[float], **kwargs) -> dict[str, list[dict[str, Any]]]:
    """Emotions and own tags of the period; each own tag also with the mood of the days without it
    (as Daylio shows for activities) and its entries per month, oldest first."""
    found = _emotions(**kwargs)
    total, count = sum(period_moods), len(period_moods)
    for tag in found["tag"]:
        mood_sum, mood_days = tag.pop("_mood_sum"), tag.pop("_mood_days")
        others = count - mood_days
        tag["mood_without"] = _round((total - mood_sum) / others) if others > 0 else None
        tag["months"] = [{"month": month, "entries": n} for month, n in sorted(tag.pop("_months").items())]
    return {"emotions": found["emotion"], "tags": found["tag"]}


def _heatmap(*, per_day: dict[date, dict[str, int]], day_mood: dict[date, float], today: date) -> dict[str, Any]:
    """Entries and mood per day of the last twelve months: the day after today's date a year ago, to today.

    That is 365 days, or 366 when a 29 February falls inside; the Year in
    Pixels and its table show exactly these days (docs/reading.md).
    """
    start = year_start(today)
    cells = []
    day = start
    while day <= today:
        row = per_day.get(day)
        cells.append({"date": day, "entries": row["entries"] if row else 0, "mood": _round(day_mood.get(day))})
        day += timedelta(days=1)
    return {"start": start, "end": today, "days": cells}


def year_start(today: date) -> date:
    """The first day of the twelve months that end today (a year ago on 29 February is 28 February)."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:
        year_ago = date(today.year - 1, 2, 28)
    return year_ago + timedelta(days=1)


def _days_back(day: date, count: int):
    return (day - timedelta(days=offset) for offset in range(count))


def _round(value) -> float | None:
    return None if value is None else round(float(value), 2)
