"""Charts drawn on the server as SVG: no JavaScript, no CDN.

Each chart is an `<svg role="img">` labelled by its own `<title>` and
`<desc>` (a sentence that says what the chart shows), and every mark has a
`<title>` tooltip. Colours come from CSS classes in static/css/insights.css
(the theme's custom properties) and text uses currentColor, so the charts
follow the light and dark themes; there is no inline style (the CSP forbids
it). The insights page puts a table with the same numbers under each chart.

The builders take the plain data of `insights.stats` and return safe markup.
All text that reaches the markup is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from diary.emotions import EMOTIONS, MOOD_MAX, MOOD_MIN, MOODS

WIDTH = 480
NO_VALUE = "\u2013"  # an en dash where there is no number


def _num(value: float) -> str:
    """A coordinate, short and locale-independent."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(
    *, chart_id: str, title: str, desc: str, width: int, height: int, body: Iterable[str], kind: str
) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece of text below goes through escape()  # nosec B308 B703
        f'<svg class="chart-svg chart-{kind}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, content: str, *, cls: str = "", anchor: str = "start") -> str:
    class_attr = f' class="{cls}"' if cls else ""
    return f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}"{class_attr}>{escape(content)}</text>'


def _tip(content: str) -> str:
    return f"<title>{escape(content)}</title>"


def month_abbr(day: date) -> str:
    """A month in three letters: "Nov" in English, "lis" in Polish, which writes month names in lower case."""
    text = date_format(day, "M")
    return text.lower() if get_language() == "pl" else text


def short_date(day: date) -> str:
    return f"{day.day} {month_abbr(day)}"


def long_date(day: date) -> str:
    return date_format(day, "DATE_FORMAT")


def mood_class(mood: float | None) -> str:
    """The CSS class of a mood value: the nearest step of the scale."""
    if mood is None:
        return "mood-none"
    step = min(MOOD_MAX, max(MOOD_MIN, int(mood + 0.5)))
    return f"mood-{step}"


def mood_words(mood: float | None) -> str:
    if mood is None:
        return _("no mood")
    return f"{number_format(mood, 1)} ({MOODS[int(mood_class(mood)[-1])]['label']})"


def emotion_label(code: str) -> str:
    return str(EMOTIONS.get(code, code))


def entries_chart(*, daily: list[dict[str, Any]], chart_id: str = "chart-entries") -> SafeString:
    """Bars: entries per day over the period."""
    height, left, right, top, bottom = 170, 30, 6, 12, 26
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = max((d["entries"] for d in daily), default=0)
    scale_max = max(peak, 1)
    slot = plot_w / max(len(daily), 1)
    gap = slot * 0.2 if slot > 4 else 0
    body = [f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}"/>']
    for value in sorted({0, scale_max} | ({scale_max // 2} if scale_max >= 4 else set())):
        y = top + plot_h - value / scale_max * plot_h
        if value:
            body.append(f'<line class="grid" x1="{left}" y1="{_num(y)}" x2="{WIDTH - right}" y2="{_num(y)}"/>')
        body.append(_text(left - 6, y + 4, number_format(value), cls="tick", anchor="end"))
    for index, day in enumerate(daily):
        count = day["entries"]
        tip = ngettext("%(date)s: %(count)s entry", "%(date)s: %(count)s entries", count) % {
            "date": long_date(day["date"]),
            "count": number_format(count),
        }
        x = left + index * slot + gap / 2
        bar_h = count / scale_max * plot_h
        if count:
            body.append(
                f'<rect class="bar" x="{_num(x)}" y="{_num(top + plot_h - bar_h)}" '
                f'width="{_num(max(slot - gap, 1))}" height="{_num(bar_h)}">{_tip(tip)}</rect>'
            )
    body.extend(_x_labels(daily, left=left, slot=slot, y=height - 6))
    total = sum(d["entries"] for d in daily)
    written = sum(1 for d in daily if d["entries"])
    if daily:
        desc = ngettext(
            "Entries per day from %(start)s to %(end)s: %(total)s entry in all; days with an entry: %(days)s.",
            "Entries per day from %(start)s to %(end)s: %(total)s entries in all; days with an entry: %(days)s.",
            total,
        ) % {
            "start": long_date(daily[0]["date"]),
            "end": long_date(daily[-1]["date"]),
            "total": number_format(total),
            "days": number_format(written),
        }
        if peak:
            busiest = max(daily, key=lambda d: d["entries"])
            desc += " " + _("The most on %(date)s (%(count)s).") % {
                "date": long_date(busiest["date"]),
                "count": number_format(peak),
            }
    else:
        desc = _("No days to show.")
    return _svg(chart_id=chart_id, title=_("Entries per day"), desc=desc, width=WIDTH, height=height, body=body,
                kind="entries")


def _x_labels(daily: list[dict[str, Any]], *, left: float, slot: float, y: float) -> list[str]:
    """First, middle and last dates under a day axis."""
    if not daily:
        return []
    picks = sorted({0, len(daily) // 2, len(daily) - 1})
    labels = []
    for index in picks:
        anchor = "start" if index == 0 else "end" if index == len(daily) - 1 else "middle"
        x = left + index * slot + (0 if anchor == "start" else slot if anchor == "end" else slot / 2)
        labels.append(_text(x, y, short_date(daily[index]["date"]), cls="tick", anchor=anchor))
    return labels


# Beyond this many days a dot per day is too small to read: the chart shows weeks instead.
DAILY_MOOD_MAX_DAYS = 90


def _mood_frame(slots: int):
    """The frame both mood charts share: size, a slot per day or week, the mood scale and its grid."""
    height, left, right, top, bottom = 190, 30, 6, 12, 26
    plot_w, plot_h = WIDTH - left - right, height - top - bottom

    def y_of(mood: float) -> float:
        return top + (MOOD_MAX - mood) / (MOOD_MAX - MOOD_MIN) * plot_h

    body = []
    for step in range(MOOD_MIN, MOOD_MAX + 1):
        y = y_of(step)
        body.append(f'<line class="grid" x1="{left}" y1="{_num(y)}" x2="{WIDTH - right}" y2="{_num(y)}"/>')
        body.append(_text(left - 6, y + 4, str(step), cls="tick", anchor="end"))
    return height, left, plot_w / max(slots, 1), y_of, body


def mood_chart(
    *, daily: list[dict[str, Any]], weekly: list[dict[str, Any]] | None = None, chart_id: str = "chart-mood"
) -> SafeString:
    """Dots for each day's average mood and a line for the 7-day moving average; weeks for long periods."""
    if weekly is not None and len(daily) > DAILY_MOOD_MAX_DAYS:
        return _weekly_mood_chart(weekly=weekly, chart_id=chart_id)
    height, left, slot, y_of, body = _mood_frame(len(daily))
    # The moving average as polylines, broken where there is no data yet.
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, day in enumerate(daily):
        if day["mood_7d"] is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{_num(left + (index + 0.5) * slot)},{_num(y_of(day['mood_7d']))}")
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) == 1:
            x, y = points[0].split(",")
            body.append(f'<circle class="trend-point" cx="{x}" cy="{y}" r="2"/>')
        else:
            body.append(f'<polyline class="trend" points="{" ".join(points)}"/>')
    radius = 3.5 if len(daily) <= 31 else 2.5 if len(daily) <= 90 else 1.8
    for index, day in enumerate(daily):
        if day["mood"] is None:
            continue
        tip = _("%(date)s: mood %(mood)s; 7-day average %(average)s") % {
            "date": long_date(day["date"]),
            "mood": mood_words(day["mood"]),
            "average": number_format(day["mood_7d"], 1) if day["mood_7d"] is not None else NO_VALUE,
        }
        body.append(
            f'<circle class="dot {mood_class(day["mood"])}" cx="{_num(left + (index + 0.5) * slot)}" '
            f'cy="{_num(y_of(day["mood"]))}" r="{radius}">{_tip(tip)}</circle>'
        )
    body.extend(_x_labels(daily, left=left, slot=slot, y=height - 6))
    moods = [d["mood"] for d in daily if d["mood"] is not None]
    if moods:
        desc = ngettext(
            "Daily average mood on a scale from 1 (awful) to 5 (great) on %(days)s day, "
            "lowest %(low)s, highest %(high)s; the line is the 7-day moving average.",
            "Daily average mood on a scale from 1 (awful) to 5 (great) on %(days)s days, "
            "lowest %(low)s, highest %(high)s; the line is the 7-day moving average.",
            len(moods),
        ) % {
            "days": number_format(len(moods)),
            "low": number_format(min(moods), 1),
            "high": number_format(max(moods), 1),
        }
    else:
        desc = _("No mood was recorded in this period.")
    return _svg(chart_id=chart_id, title=_("Mood over time"), desc=desc, width=WIDTH, height=height, body=body,
                kind="mood")


def _weekly_mood_chart(*, weekly: list[dict[str, Any]], chart_id: str) -> SafeString:
    """A dot per week (the average of its days' moods) joined by a line, broken over weeks without a mood."""
    height, left, slot, y_of, body = _mood_frame(len(weekly))
    segments: list[list[str]] = [[]]
    for index, week in enumerate(weekly):
        if week["mood"] is None:
            segments.append([])
        else:
            segments[-1].append(f"{_num(left + (index + 0.5) * slot)},{_num(y_of(week['mood']))}")
    for points in segments:
        if len(points) > 1:
            body.append(f'<polyline class="trend" points="{" ".join(points)}"/>')
    for index, week in enumerate(weekly):
        if week["mood"] is None:
            continue
        tip = ngettext(
            "Week of %(date)s: mood %(mood)s (%(days)s day)", "Week of %(date)s: mood %(mood)s (%(days)s days)",
            week["days"],
        ) % {"date": long_date(week["start"]), "mood": mood_words(week["mood"]), "days": number_format(week["days"])}
        body.append(
            f'<circle class="dot {mood_class(week["mood"])}" cx="{_num(left + (index + 0.5) * slot)}" '
            f'cy="{_num(y_of(week["mood"]))}" r="3.5">{_tip(tip)}</circle>'
        )
    body.extend(_x_labels([{"date": w["start"]} for w in weekly], left=left, slot=slot, y=height - 6))
    moods = [w["mood"] for w in weekly if w["mood"] is not None]
    if moods:
        desc = ngettext(
            "Weekly average mood on a scale from 1 (awful) to 5 (great) over %(weeks)s week with a mood, "
            "lowest %(low)s, highest %(high)s.",
            "Weekly average mood on a scale from 1 (awful) to 5 (great) over %(weeks)s weeks with a mood, "
            "lowest %(low)s, highest %(high)s.",
            len(moods),
        ) % {"weeks": number_format(len(moods)), "low": number_format(min(moods), 1),
             "high": number_format(max(moods), 1)}
    else:
        desc = _("No mood was recorded in this period.")
    return _svg(chart_id=chart_id, title=_("Mood week by week"), desc=desc, width=WIDTH, height=height, body=body,
                kind="mood")


def weekday_chart(*, weekdays: list[dict[str, Any]], chart_id: str = "chart-weekdays") -> SafeString:
    """Bars: the average mood of each weekday."""
    width, height, left, top, bottom = 420, 190, 30, 22, 26
    plot_w, plot_h = width - left - 6, height - top - bottom
    slot = plot_w / 7
    body = []
    for step in range(0, MOOD_MAX + 1):
        y = top + plot_h - step / MOOD_MAX * plot_h
        cls = "axis" if step == 0 else "grid"
        body.append(f'<line class="{cls}" x1="{left}" y1="{_num(y)}" x2="{width - 6}" y2="{_num(y)}"/>')
        if step:
            body.append(_text(left - 6, y + 4, str(step), cls="tick", anchor="end"))
    for item in weekdays:
        index, mood = item["weekday"], item["mood"]
        x = left + index * slot
        center = x + slot / 2
        if mood is not None:
            bar_h = mood / MOOD_MAX * plot_h
            tip = ngettext(
                "%(weekday)s: mood %(mood)s (%(days)s day)", "%(weekday)s: mood %(mood)s (%(days)s days)", item["days"]
            ) % {"weekday": WEEKDAYS[index], "mood": mood_words(mood), "days": number_format(item["days"])}
            body.append(
                f'<rect class="bar {mood_class(mood)}" x="{_num(x + slot * 0.18)}" y="{_num(top + plot_h - bar_h)}" '
                f'width="{_num(slot * 0.64)}" height="{_num(bar_h)}">{_tip(tip)}</rect>'
            )
            body.append(_text(center, top + plot_h - bar_h - 5, number_format(mood, 1), cls="value", anchor="middle"))
        else:
            body.append(_text(center, top + plot_h - 5, NO_VALUE, cls="tick", anchor="middle"))
        body.append(_text(center, height - 6, str(WEEKDAYS_ABBR[index]), cls="tick", anchor="middle"))
    known = [w for w in weekdays if w["mood"] is not None]
    if known:
        best = max(known, key=lambda w: w["mood"])
        worst = min(known, key=lambda w: w["mood"])
        desc = _("Average mood by day of the week; best on %(best)s (%(best_mood)s), lowest on %(worst)s "
                 "(%(worst_mood)s).") % {
            "best": WEEKDAYS[best["weekday"]],
            "best_mood": number_format(best["mood"], 1),
            "worst": WEEKDAYS[worst["weekday"]],
            "worst_mood": number_format(worst["mood"], 1),
        }
    else:
        desc = _("No mood was recorded in this period.")
    return _svg(chart_id=chart_id, title=_("Mood by day of the week"), desc=desc, width=width, height=height,
                body=body, kind="weekdays")


def _bar_rows(
    items: list[dict[str, Any]], *, labels: list[str], tips: list[str], label_w: float, mood_w: int,
    after_mood: list[str] | None = None, more: str = "",
) -> tuple[list[str], int]:
    """Horizontal bars of how many entries each item has, with a dot and the mean mood of their days, and
    `after_mood` beside it; `more` under the last row. The body and the height of the drawing."""
    row_h, top = 26, 6
    height = top * 2 + (max(len(items), 1) + (1 if more else 0)) * row_h
    bar_max = WIDTH - label_w - mood_w - 44
    peak = max((item["entries"] for item in items), default=1)
    dot_x = WIDTH - mood_w + 8
    body = []
    for index, item in enumerate(items):
        y = top + index * row_h
        mid = y + row_h / 2
        bar_w = max(item["entries"] / peak * bar_max, 2)
        body.append(_text(label_w - 8, mid + 4, labels[index], anchor="end"))
        body.append(
            f'<rect class="bar" x="{label_w}" y="{_num(y + 5)}" width="{_num(bar_w)}" height="{row_h - 10}">'
            f"{_tip(tips[index])}</rect>"
        )
        body.append(_text(label_w + bar_w + 6, mid + 4, number_format(item["entries"]), cls="value"))
        body.append(f'<circle class="dot {mood_class(item["mood"])}" cx="{dot_x}" cy="{_num(mid)}" r="6"/>')
        mood_text = number_format(item["mood"], 1) if item["mood"] is not None else NO_VALUE
        body.append(_text(dot_x + 12, mid + 4, mood_text, cls="value"))
        if after_mood:
            body.append(_text(dot_x + 44, mid + 4, after_mood[index]))
    if more:
        body.append(_text(label_w, top + len(items) * row_h + row_h / 2 + 4, more, cls="more"))
    return body, height


def emotions_chart(*, emotions: list[dict[str, Any]], limit: int = 12, chart_id: str = "chart-emotions") -> SafeString:
    """Horizontal bars: how often each emotion was tagged, with the average mood of its days."""
    rows = emotions[:limit]
    hidden = len(emotions) - len(rows)
    labels = [emotion_label(e["code"]) for e in rows]
    tips = [
        ngettext(
            "%(emotion)s: %(count)s entry; mood on those days %(mood)s",
            "%(emotion)s: %(count)s entries; mood on those days %(mood)s",
            item["entries"],
        ) % {"emotion": label, "count": number_format(item["entries"]), "mood": mood_words(item["mood"])}
        for item, label in zip(rows, labels, strict=True)
    ]
    # The table under the chart lists them all.
    more = ngettext("+%(count)s more emotion", "+%(count)s more emotions", hidden) % {
        "count": number_format(hidden)} if hidden else ""
    # Room for the longest name at the larger type phones get (about 10 units a character).
    label_w = min(max([len(label) for label in labels] or [4]) * 10 + 14, 190)
    body, height = _bar_rows(rows, labels=labels, tips=tips, label_w=label_w, mood_w=56, more=more)
    if rows:
        happiest = max((e for e in rows if e["mood"] is not None), key=lambda e: e["mood"], default=None)
        saddest = min((e for e in rows if e["mood"] is not None), key=lambda e: e["mood"], default=None)
        desc = _("The emotions tagged most often, most frequent first: %(list)s.") % {
            "list": ", ".join(f"{emotion_label(e['code'])} ({number_format(e['entries'])})" for e in rows)
        }
        if happiest and saddest and happiest is not saddest:
            desc += " " + _("Days with %(good)s had the best mood (%(good_mood)s), days with %(bad)s the lowest "
                            "(%(bad_mood)s).") % {
                "good": emotion_label(happiest["code"]),
                "good_mood": number_format(happiest["mood"], 1),
                "bad": emotion_label(saddest["code"]),
                "bad_mood": number_format(saddest["mood"], 1),
            }
        if more:
            desc += " " + more + "."
    else:
        desc = _("No emotions were tagged in this period.")
    return _svg(chart_id=chart_id, title=_("Emotions and the mood of their days"), desc=desc, width=WIDTH,
                height=height, body=body, kind="emotions")


TAGS_SHOWN = 12
TAGS_OVER_TIME = 5


def _short(name: str, length: int = 22) -> str:
    return name if len(name) <= length else name[: length - 1] + "\u2026"


def tags_chart(*, tags: list[dict[str, Any]], chart_id: str = "chart-tags") -> SafeString:
    """Horizontal bars: how often each own tag was used, with the mood of the days with it and without it."""
    rows = tags[:TAGS_SHOWN]
    hidden = len(tags) - len(rows)
    tips = [
        ngettext(
            "%(tag)s: %(count)s entry; mood on those days %(mood)s, on other days %(without)s",
            "%(tag)s: %(count)s entries; mood on those days %(mood)s, on other days %(without)s",
            item["entries"],
        ) % {"tag": item["name"], "count": number_format(item["entries"]), "mood": mood_words(item["mood"]),
             "without": mood_words(item["mood_without"])}
        for item in rows
    ]
    without = [
        _("vs %(mood)s") % {
            "mood": number_format(t["mood_without"], 1) if t["mood_without"] is not None else NO_VALUE}
        for t in rows
    ]
    more = ngettext("+%(count)s more tag", "+%(count)s more tags", hidden) % {
        "count": number_format(hidden)} if hidden else ""
    label_w = min(max([len(_short(t["name"])) for t in rows] or [4]) * 8 + 14, 190)
    body, height = _bar_rows(
        rows, labels=["#" + _short(t["name"]) for t in rows], tips=tips, label_w=label_w, mood_w=104,
        after_mood=without, more=more,
    )
    if rows:
        desc = _("Your tags used most often, most frequent first, with the mood of the days with each and of the "
                 "other days: %(list)s.") % {"list": "; ".join(
                     f"{t['name']} ({number_format(t['entries'])}, "
                     f"{number_format(t['mood'], 1) if t['mood'] is not None else NO_VALUE} / "
                     f"{number_format(t['mood_without'], 1) if t['mood_without'] is not None else NO_VALUE})"
                     for t in rows)}
    else:
        desc = _("No tags were used in this period.")
    return _svg(chart_id=chart_id, title=_("Your tags and the mood of their days"), desc=desc, width=WIDTH,
                height=height, body=body, kind="emotions")


def tag_months(tags: list[dict[str, Any]], *, start: date, end: date) -> dict[str, Any]:
    """The most used tags' entries per month of the period: months oldest first, a row of counts per tag."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    rows = []
    for tag in tags[:TAGS_OVER_TIME]:
        counts = {item["month"]: item["entries"] for item in tag.get("months", [])}
        rows.append({"name": tag["name"], "counts": [counts.get(m, 0) for m in months]})
    return {"months": months, "rows": rows}


def tags_over_time_chart(*, table: dict[str, Any], chart_id: str = "chart-tags-time") -> SafeString:
    """Small multiples: for each of the most used tags, a bar per month of the period."""
    months, rows = table["months"], table["rows"]
    label_w, row_h, top = 150, 34, 18
    height = top + max(len(rows), 1) * row_h + 4
    slot = (WIDTH - label_w - 8) / max(len(months), 1)
    peak = max((n for row in rows for n in row["counts"]), default=1) or 1
    body = [_text(label_w + index * slot + slot / 2, 12, month_abbr(m), anchor="middle")
            for index, m in enumerate(months) if len(months) <= 13]
    for index, row in enumerate(rows):
        base = top + (index + 1) * row_h - 6
        body.append(_text(label_w - 8, base - 6, "#" + _short(row["name"], 18), anchor="end"))
        body.append(f'<line class="axis" x1="{label_w}" x2="{WIDTH - 8}" y1="{_num(base)}" y2="{_num(base)}"/>')
        for column, count in enumerate(row["counts"]):
            if not count:
                continue
            height_px = count / peak * (row_h - 10)
            x = label_w + column * slot + slot * 0.15
            tip = ngettext("%(tag)s, %(month)s: %(count)s entry", "%(tag)s, %(month)s: %(count)s entries", count) % {
                "tag": row["name"], "month": month_abbr(months[column]), "count": number_format(count)}
            body.append(
                f'<rect class="bar" x="{_num(x)}" y="{_num(base - max(height_px, 1))}" width="{_num(slot * 0.7)}" '
                f'height="{_num(max(height_px, 1))}">{_tip(tip)}</rect>'
            )
    if rows:
        desc = _("Entries per month for your most used tags: %(list)s.") % {"list": "; ".join(
            f"{row['name']}: " + ", ".join(f"{month_abbr(m)} {number_format(n)}" for m, n in zip(
                months, row["counts"], strict=True))
            for row in rows)}
    else:
        desc = _("No tags were used in this period.")
    return _svg(chart_id=chart_id, title=_("Your tags over time"), desc=desc, width=WIDTH, height=height,
                body=body, kind="tags-time")


def pixel_class(cell: dict[str, Any] | None) -> str:
    """A day of the Year in Pixels: coloured by its mood; written without a mood, or not written."""
    if cell is None or not cell["entries"]:
        return "pixel-empty"
    return f"pixel {mood_class(cell['mood'])}" if cell.get("mood") is not None else "pixel pixel-no-mood"


def heatmap_chart(*, heatmap: dict[str, Any], tall: bool = False, chart_id: str = "chart-heatmap") -> SafeString:
    """Year in Pixels: a square per day of the last twelve months, coloured by the day's mood.

    The days are exactly those of `heatmap` (365 or 366, see insights.stats),
    so the first and last months are usually partial: thirteen months in all
    unless the period starts on a first. Wide: a row per month and a column
    per day of the month (desktops). Tall: a column per month and a row per
    day (phones, where 31 columns would be too small to read). The first
    month and every January carry their year. Every label stays inside the
    drawing.
    """
    cells = {cell["date"]: cell for cell in heatmap["days"]}
    start: date = heatmap["start"]
    end: date = heatmap["end"]
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=31)).replace(day=1)
    if tall:
        cell, step, left, top = 21, 26, 28, 34
        width, height = left + len(months) * step, top + 31 * step
    else:
        cell, step, left, top = 13, 16, 68, 18
        width, height = left + 31 * step, top + len(months) * step
    body = []
    for day in (1, 5, 10, 15, 20, 25, 31):
        offset = (day - 1) * step + cell / 2
        if tall:
            body.append(_text(left - 6, top + offset + 4, str(day), cls="tick", anchor="end"))
        else:
            body.append(_text(left + offset, top - 5, str(day), cls="tick", anchor="middle"))
    for index, month in enumerate(months):
        name = month_abbr(month)
        year = date_format(month, "Y") if index == 0 or month.month == 1 else ""
        if tall:
            body.append(_text(left + index * step + cell / 2, top - 6, name, cls="tick", anchor="middle"))
            if year:
                # A column is too narrow for four digits beside a neighbour's: an apostrophe and two digits.
                body.append(_text(left + index * step + cell / 2, top - 20, "\u2019" + year[2:], cls="tick",
                                  anchor="middle"))
        else:
            label = f"{name} {year}" if year else name
            body.append(_text(left - 6, top + index * step + cell - 2, label, cls="tick", anchor="end"))
        day = max(month, start)
        while day.month == month.month and day <= end:
            found = cells.get(day)
            if found is None or not found["entries"]:
                tip = _("%(date)s: no entry") % {"date": long_date(day)}
            elif found.get("mood") is None:
                tip = ngettext("%(date)s: %(count)s entry, no mood given", "%(date)s: %(count)s entries, no mood given",
                               found["entries"]) % {"date": long_date(day), "count": number_format(found["entries"])}
            else:
                tip = ngettext("%(date)s: %(count)s entry, mood %(mood)s", "%(date)s: %(count)s entries, mood %(mood)s",
                               found["entries"]) % {"date": long_date(day), "count": number_format(found["entries"]),
                                                    "mood": mood_words(found.get("mood"))}
            across, down = (index, day.day - 1) if tall else (day.day - 1, index)
            body.append(
                f'<rect class="{pixel_class(found)}" x="{left + across * step}" y="{top + down * step}" '
                f'width="{cell}" height="{cell}" rx="2">{_tip(tip)}</rect>'
            )
            day += timedelta(days=1)
    written = [c for c in heatmap["days"] if c["entries"]]
    moods = [c["mood"] for c in written if c.get("mood") is not None]
    if tall:
        desc = ngettext(
            "Year in Pixels from %(start)s to %(end)s: a column per month, a square per day, coloured by the day's "
            "average mood; %(days)s day with an entry.",
            "Year in Pixels from %(start)s to %(end)s: a column per month, a square per day, coloured by the day's "
            "average mood; %(days)s days with an entry.",
            len(written),
        )
    else:
        desc = ngettext(
            "Year in Pixels from %(start)s to %(end)s: a row per month, a square per day, coloured by the day's "
            "average mood; %(days)s day with an entry.",
            "Year in Pixels from %(start)s to %(end)s: a row per month, a square per day, coloured by the day's "
            "average mood; %(days)s days with an entry.",
            len(written),
        )
    desc = desc % {"start": long_date(start), "end": long_date(end), "days": number_format(len(written))}
    if moods:
        desc += " " + _("Average mood of those days: %(mood)s.") % {"mood": number_format(sum(moods) / len(moods), 1)}
    return _svg(chart_id=chart_id, title=_("Year in Pixels"), desc=desc, width=width, height=height, body=body,
                kind="heatmap" + (" chart-heatmap-tall" if tall else " chart-heatmap-wide"))
