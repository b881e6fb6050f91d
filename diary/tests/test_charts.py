"""Server-drawn SVG charts: well-formed, accessible, themed by classes, safe with any text."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.utils import translation

from diary import charts

SVG = "{http://www.w3.org/2000/svg}"


def _daily(moods, start=date(2024, 3, 1)):
    days = []
    for offset, mood in enumerate(moods):
        days.append(
            {
                "date": start + timedelta(days=offset),
                "entries": 0 if mood is None else 1 + offset % 3,
                "words": 10,
                "mood": mood,
                "mood_7d": mood,
            }
        )
    return days


def _parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own markup


def _all_charts():
    daily = _daily([3, None, 4.5, 1, None, 5, 2])
    weekdays = [{"weekday": i, "mood": None if i == 3 else 1 + i * 0.6, "days": i} for i in range(7)]
    emotions = [
        {"code": "joy", "entries": 5, "days": 4, "mood": 4.4},
        {"code": "tired", "entries": 3, "days": 3, "mood": 2.1},
        {"code": "calm", "entries": 1, "days": 1, "mood": None},
    ]
    heatmap = {
        "start": date(2023, 3, 6),
        "end": date(2024, 3, 6),
        "days": [{"date": date(2023, 3, 6) + timedelta(days=i), "entries": i % 6} for i in range(367)],
    }
    return {
        "entries": charts.entries_chart(daily=daily),
        "mood": charts.mood_chart(daily=daily),
        "weekdays": charts.weekday_chart(weekdays=weekdays),
        "emotions": charts.emotions_chart(emotions=emotions),
        "heatmap": charts.heatmap_chart(heatmap=heatmap),
    }


@pytest.mark.parametrize("name", ["entries", "mood", "weekdays", "emotions", "heatmap"])
def test_each_chart_is_well_formed_svg_with_title_and_description(name):
    root = _parse(_all_charts()[name])
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").get("id") == desc_id and len(root.find(f"{SVG}desc").text) > 20
    assert root.get("viewBox").startswith("0 0 ")


@pytest.mark.parametrize("name", ["entries", "mood", "weekdays", "emotions", "heatmap"])
def test_charts_carry_no_inline_style_and_no_fixed_colours(name):
    markup = str(_all_charts()[name])
    assert "style" not in markup
    assert "#" not in markup.split("</desc>", 1)[1]  # colours come from the stylesheet's classes
    assert "<script" not in markup


def test_every_mark_has_a_tooltip():
    root = _parse(_all_charts()["entries"])
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 5  # the two days without entries draw no bar
    assert all(bar.find(f"{SVG}title").text for bar in bars)
    assert bars[0].find(f"{SVG}title").text == "March 1, 2024: 1 entry"


def test_mood_dots_are_classed_by_mood_and_the_trend_is_a_line():
    root = _parse(_all_charts()["mood"])
    dots = root.findall(f"{SVG}circle")
    assert [d.get("class") for d in dots if "dot" in d.get("class")] == [
        "dot mood-3", "dot mood-5", "dot mood-1", "dot mood-5", "dot mood-2"
    ]
    assert root.findall(f"{SVG}polyline")  # the 7-day average, broken where there is no mood


def test_heatmap_has_a_cell_per_day_and_month_names_that_do_not_collide():
    root = _parse(_all_charts()["heatmap"])
    cells = root.findall(f"{SVG}rect")
    assert len(cells) == 367
    assert {c.get("class") for c in cells} == {f"cell level-{n}" for n in range(5)}
    xs = sorted(float(t.get("x")) for t in root.findall(f"{SVG}text") if t.get("y") == "12")
    assert len(xs) >= 11 and all(b - a >= 3 * 13 for a, b in pairwise(xs))


def test_text_from_data_is_escaped():
    emotions = [{"code": '<script>alert("x")</script>', "entries": 1, "days": 1, "mood": 3.0}]
    markup = str(charts.emotions_chart(emotions=emotions))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    _parse(markup)


def test_empty_data_draws_empty_charts():
    for markup in (
        charts.entries_chart(daily=[]),
        charts.mood_chart(daily=_daily([None, None])),
        charts.emotions_chart(emotions=[]),
        charts.weekday_chart(weekdays=[{"weekday": i, "mood": None, "days": 0} for i in range(7)]),
    ):
        root = _parse(markup)
        assert root.find(f"{SVG}desc").text


@pytest.mark.parametrize(
    "mood, cls",
    [(None, "mood-none"), (1.0, "mood-1"), (1.49, "mood-1"), (1.5, "mood-2"), (4.5, "mood-5"), (5, "mood-5")],
)
def test_mood_class_rounds_to_the_nearest_step(mood, cls):
    assert charts.mood_class(mood) == cls


@pytest.mark.parametrize("count, level", [(0, 0), (1, 1), (3, 3), (4, 4), (40, 4)])
def test_heat_level(count, level):
    assert charts.heat_level(count) == level


def test_charts_speak_polish():
    with translation.override("pl"):
        root = _parse(charts.entries_chart(daily=_daily([3, 4])))
    assert root.find(f"{SVG}title").text == "Wpisy dziennie"
