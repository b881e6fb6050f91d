"""Server-drawn SVG charts: well-formed, accessible, themed by classes, safe with any text."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.utils import translation

from insights import charts

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
        "start": date(2023, 3, 7),
        "end": date(2024, 3, 6),
        "days": [
            {"date": date(2023, 3, 7) + timedelta(days=i), "entries": (i + 1) % 6,
             "mood": None if i % 7 == 0 else 1 + (i + 1) % 5}
            for i in range(366)
        ],
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


def test_year_in_pixels_has_a_square_for_each_day_it_names_and_no_other():
    root = _parse(_all_charts()["heatmap"])
    cells = root.findall(f"{SVG}rect")
    # 7 March 2023 to 6 March 2024, both included: 366 days (29 February 2024 among them).
    assert len(cells) == 366
    classes = [c.get("class") for c in cells]
    assert {"pixel-empty", "pixel pixel-no-mood"} | {f"pixel mood-{n}" for n in range(1, 6)} == set(classes)
    tips = [c.find(f"{SVG}title").text for c in cells]
    assert tips[0].startswith("March 7, 2023: ") and tips[-1].startswith("March 6, 2024: ")
    assert "March 6, 2024: no entry" in tips and "March 4, 2024: 4 entries, mood 5.0 (great)" in tips
    assert "March 5, 2024: 5 entries, no mood given" in tips
    assert any(tip.startswith("Feb. 29, 2024: ") for tip in tips)
    assert not any(tip.startswith("March 6, 2023: ") for tip in tips)
    assert "March 7, 2023 to March 6, 2024" in root.find(f"{SVG}desc").text
    # Thirteen rows: March 2023 from the 7th, March 2024 to the 6th; the first month and January name their year.
    months = [t.text for t in root.findall(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert months == ["Mar 2023", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan 2024", "Feb",
                      "Mar"]


def test_year_in_pixels_starting_on_a_first_has_twelve_rows():
    days = [{"date": date(2023, 12, 1) + timedelta(days=i), "entries": 1, "mood": 3} for i in range(366)]
    root = _parse(charts.heatmap_chart(heatmap={"start": date(2023, 12, 1), "end": date(2024, 11, 30), "days": days}))
    assert len(root.findall(f"{SVG}rect")) == 366
    months = [t.text for t in root.findall(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert months[0] == "Dec 2023" and months[-1] == "Nov" and len(months) == 12


@pytest.mark.parametrize("language", ["en", "pl"])
def test_no_label_leaves_the_drawing(language):
    # Phones scale the SVG down: a label outside the viewBox would be cut off by the card.
    with translation.override(language):
        drawn = _all_charts()
        drawn["mood_year"] = charts.mood_chart(daily=_daily([3] * 365), weekly=_weeks(53))
        drawn["pixels_tall"] = charts.heatmap_chart(heatmap=_pixels(), tall=True)
        drawn["emotions_many"] = charts.emotions_chart(emotions=_emotions(20))
    for name, svg in drawn.items():
        root = _parse(svg)
        width = float(root.get("viewBox").split()[2])
        for text in root.findall(f"{SVG}text"):
            x, anchor = float(text.get("x")), text.get("text-anchor")
            size = len(text.text) * 7.5  # a generous width per character at 12px
            left = x - size if anchor == "end" else x - size / 2 if anchor == "middle" else x
            right = x if anchor == "end" else x + size / 2 if anchor == "middle" else x + size
            assert left >= -1 and right <= width + 1, (name, text.text, x, anchor)


def _pixels():
    return {"start": date(2023, 3, 7), "end": date(2024, 3, 6),
            "days": [{"date": date(2023, 3, 7) + timedelta(days=i), "entries": 1, "mood": 3} for i in range(366)]}


def test_year_in_pixels_for_phones_has_a_column_per_month():
    root = _parse(charts.heatmap_chart(heatmap=_pixels(), tall=True))
    cells = root.findall(f"{SVG}rect")
    assert len(cells) == 366
    columns = {c.get("x") for c in cells}
    assert len(columns) == 13 and len({c.get("y") for c in cells}) == 31
    assert "chart-heatmap-tall" in root.get("class")
    assert "a column per month" in root.find(f"{SVG}desc").text
    years = [t.text for t in root.findall(f"{SVG}text") if t.text.startswith("\u2019")]
    assert years == ["\u2019" "23", "\u2019" "24"]


def _weeks(count, start=date(2023, 3, 6)):
    return [{"start": start + timedelta(weeks=i), "mood": None if i % 9 == 4 else 1 + (i % 5), "days": 5}
            for i in range(count)]


def _emotions(count):
    codes = list(charts.EMOTIONS)[:count]
    return [{"code": code, "entries": 40 - i, "days": 3, "mood": 3.0} for i, code in enumerate(codes)]


def test_a_year_of_mood_is_drawn_week_by_week():
    root = _parse(charts.mood_chart(daily=_daily([3] * 365), weekly=_weeks(53)))
    dots = [c for c in root.findall(f"{SVG}circle") if "dot" in c.get("class")]
    assert len(dots) == 53 - 6  # weeks without a mood draw nothing
    assert {d.get("r") for d in dots} == {"3.5"}  # as large as a month's daily dots
    assert root.find(f"{SVG}title").text == "Mood week by week"
    assert dots[0].find(f"{SVG}title").text.startswith("Week of March 6, 2023: mood")
    assert len(root.findall(f"{SVG}polyline")) >= 2  # broken over weeks without a mood


def test_ninety_days_are_still_drawn_day_by_day():
    root = _parse(charts.mood_chart(daily=_daily([3] * 90), weekly=_weeks(14)))
    assert len([c for c in root.findall(f"{SVG}circle") if "dot" in c.get("class")]) == 90


def test_emotions_beyond_twelve_are_counted_not_dropped_silently():
    root = _parse(charts.emotions_chart(emotions=_emotions(15)))
    more = [t.text for t in root.findall(f"{SVG}text") if t.get("class") == "more"]
    assert more == ["+3 more emotions"]
    assert "+3 more emotions" in root.find(f"{SVG}desc").text
    assert not [t for t in _parse(charts.emotions_chart(emotions=_emotions(12))).findall(f"{SVG}text")
                if t.get("class") == "more"]


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


def test_charts_speak_polish():
    with translation.override("pl"):
        root = _parse(charts.entries_chart(daily=_daily([3, 4])))
    assert root.find(f"{SVG}title").text == "Wpisy dziennie"
