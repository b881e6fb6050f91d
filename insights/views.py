"""The insights page: mood and emotions over time, from the cached statistics."""

from collections import OrderedDict
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from accounts.keys import cached_sealed
from diary.cache import STATS_TIMEOUT, stats_key
from diary.days import stats_scope
from diary.emotions import MOODS
from insights import charts
from insights.stats import PERIODS, InvalidPeriod, stats_for_user, stats_period_parse


@login_required
@require_GET
def insights(request: HttpRequest) -> HttpResponse:
    try:
        days = stats_period_parse(value=request.GET.get("days"))
    except InvalidPeriod:
        context = {"periods": PERIODS, "days": None, "period_error": True}
        return render(request, "insights/insights.html", context, status=400)
    body = insights_body(user=request.user, days=days)
    # Rendered from our own template with autoescaping; cached as a plain string.
    html = mark_safe(body["html"])  # noqa: S308  # nosec B308 B703
    context = {"periods": PERIODS, "days": days, "has_entries": body["has_entries"], "body": html}
    return render(request, "insights/insights.html", context)


def insights_body(*, user, days: int) -> dict[str, Any]:
    """The statistics part of the page, rendered once and cached like the statistics.

    It holds numbers, dates, emotion names and the names of the user's own
    tags, never an entry's text, under the user's own key and statistics
    version, so any change to the entries replaces it. A warm page costs two cache reads and no query.
    """
    tz, today = stats_scope(user=user)
    name = f"page:{days}:{tz.key}:{today.isoformat()}:{translation.get_language()}"
    key = stats_key(user_id=user.pk, name=name)
    return cached_sealed(key, STATS_TIMEOUT, lambda: _render_body(user=user, days=days), name="stats", user_id=user.pk)


def _render_body(*, user, days: int) -> dict[str, Any]:
    stats = stats_for_user(user=user, days=days)
    has_entries = stats["streaks"]["longest"] > 0 or stats["totals"]["entries"] > 0
    if not has_entries:
        return {"has_entries": False, "html": ""}
    tags = stats.get("tags", [])
    tag_table = charts.tag_months(tags, start=stats["start"], end=stats["end"])
    context = {
        "stats": stats,
        "tag_rows": tags,
        "tag_table": tag_table,
        "charts": {
            "entries": charts.entries_chart(daily=stats["daily"]),
            "mood": charts.mood_chart(daily=stats["daily"], weekly=stats.get("weekly")),
            "weekdays": charts.weekday_chart(weekdays=stats["weekdays"]),
            "emotions": charts.emotions_chart(emotions=stats["emotions"]),
            "tags": charts.tags_chart(tags=tags) if tags else "",
            "tags_time": charts.tags_over_time_chart(table=tag_table) if tags else "",
            "heatmap": charts.heatmap_chart(heatmap=stats["heatmap"]),
            "heatmap_tall": charts.heatmap_chart(heatmap=stats["heatmap"], tall=True, chart_id="chart-heatmap-tall"),
        },
        "written_days": [d for d in stats["daily"] if d["entries"] or d["mood"] is not None],
        "weekday_rows": [{**w, "name": WEEKDAYS[w["weekday"]]} for w in stats["weekdays"]],
        "emotion_rows": [{**e, "label": charts.emotion_label(e["code"])} for e in stats["emotions"]],
        "months": _months(stats["heatmap"]["days"]),
        "moods": [{"value": value, "label": mood["label"]} for value, mood in MOODS.items()],
        "weekly_mood": len(stats["daily"]) > charts.DAILY_MOOD_MAX_DAYS and "weekly" in stats,
    }
    return {"has_entries": True, "html": render_to_string("insights/insights_body.html", context)}


def _months(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The heat map's table fallback: entries and days written per month."""
    months: OrderedDict[date, dict[str, Any]] = OrderedDict()
    for cell in cells:
        first = cell["date"].replace(day=1)
        month = months.setdefault(first, {"month": first, "entries": 0, "days": 0})
        month["entries"] += cell["entries"]
        month["days"] += 1 if cell["entries"] else 0
    return list(months.values())
