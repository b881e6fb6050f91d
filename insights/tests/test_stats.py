"""Statistics against hand-computed expectations, in time zones far from UTC."""

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.timezones import user_zone
from diary.tests.factories import EntryFactory
from insights.stats import InvalidPeriod, stats_compute, stats_for_user, stats_period_parse, year_start


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _entry(user, when, *, mood=None, tags=(), words=1):
    return EntryFactory(user=user, created_at=when, mood=mood, emotion_tags=list(tags), content="w " * words)


def _day(stats, iso):
    return next(d for d in stats["daily"] if d["date"] == date.fromisoformat(iso))


@pytest.fixture
def kiritimati_diary(owner, outsider):
    """Pacific/Kiritimati is UTC+14: 10:00 UTC is already tomorrow there.

    Local days (hand-computed):
      03-01  one entry, mood 5 (before the 7-day period, inside the moving average of 03-07)
      03-10  A 23:59 mood 2 [sadness, tired] 10 words
      03-11  B 00:00 mood 4 [joy] 20 words; C 10:00 mood 5 [joy, calm] 5 words -> mood 4.5
      03-12  D 02:00 no mood [calm] 7 words
      03-13  E 01:00 mood 1 [tired] 3 words (today)
    """
    owner.timezone = "Pacific/Kiritimati"
    owner.save()
    _entry(owner, _utc(2024, 2, 29, 12, 0), mood=5, tags=["joy"], words=4)
    _entry(owner, _utc(2024, 3, 10, 9, 59), mood=2, tags=["sadness", "tired"], words=10)
    _entry(owner, _utc(2024, 3, 10, 10, 0), mood=4, tags=["joy"], words=20)
    _entry(owner, _utc(2024, 3, 10, 20, 0), mood=5, tags=["joy", "calm"], words=5)
    _entry(owner, _utc(2024, 3, 11, 12, 0), mood=None, tags=["calm"], words=7)
    _entry(owner, _utc(2024, 3, 12, 11, 0), mood=1, tags=["tired"], words=3)
    # Another user writing on the same days must not count anywhere.
    for hour in range(5):
        _entry(outsider, _utc(2024, 3, 10, 10 + hour, 0), mood=1, tags=["anger"], words=100)
    return owner


NOW = _utc(2024, 3, 12, 12, 0)  # 2024-03-13 02:00 in Kiritimati


def test_entries_words_and_moods_fall_on_local_days_in_kiritimati(kiritimati_diary):
    stats = stats_for_user(user=kiritimati_diary, days=7, now=NOW)
    assert stats["start"] == date(2024, 3, 7) and stats["end"] == date(2024, 3, 13)
    assert [d["date"] for d in stats["daily"]] == [date(2024, 3, day) for day in range(7, 14)]
    assert [d["entries"] for d in stats["daily"]] == [0, 0, 0, 1, 2, 1, 1]
    assert [d["words"] for d in stats["daily"]] == [0, 0, 0, 10, 25, 7, 3]
    assert [d["mood"] for d in stats["daily"]] == [None, None, None, 2.0, 4.5, None, 1.0]
    assert stats["totals"] == {"entries": 5, "words": 45, "days_written": 4, "mood_average": 2.5}


def test_moving_average_looks_back_seven_days_including_days_before_the_period(kiritimati_diary):
    stats = stats_for_user(user=kiritimati_diary, days=7, now=NOW)
    # 03-07 still sees 03-01 (mood 5); 03-08 and 03-09 see nothing; then 2 | 2, 4.5 | 2, 4.5 | 2, 4.5, 1.
    assert [d["mood_7d"] for d in stats["daily"]] == [5.0, None, None, 2.0, 3.25, 3.25, 2.5]


def test_streaks_count_local_days(kiritimati_diary):
    stats = stats_for_user(user=kiritimati_diary, days=7, now=NOW)
    assert stats["streaks"] == {"current": 4, "longest": 4}


def test_mood_by_weekday_averages_day_moods(kiritimati_diary):
    stats = stats_for_user(user=kiritimati_diary, days=7, now=NOW)
    # 03-10 is a Sunday (6), 03-11 Monday (0), 03-12 Tuesday (1, no mood), 03-13 Wednesday (2).
    assert stats["weekdays"] == [
        {"weekday": 0, "mood": 4.5, "days": 1},
        {"weekday": 1, "mood": None, "days": 0},
        {"weekday": 2, "mood": 1.0, "days": 1},
        {"weekday": 3, "mood": None, "days": 0},
        {"weekday": 4, "mood": None, "days": 0},
        {"weekday": 5, "mood": None, "days": 0},
        {"weekday": 6, "mood": 2.0, "days": 1},
    ]


def test_emotions_count_entries_days_and_the_mood_of_those_days(kiritimati_diary):
    stats = stats_for_user(user=kiritimati_diary, days=7, now=NOW)
    assert stats["emotions"] == [
        {"code": "calm", "entries": 2, "days": 2, "mood": 4.5},  # 03-11 (4.5) and 03-12 (no mood)
        {"code": "joy", "entries": 2, "days": 1, "mood": 4.5},  # both on 03-11; 03-01 is outside
        {"code": "tired", "entries": 2, "days": 2, "mood": 1.5},  # 03-10 (2) and 03-13 (1)
        {"code": "sadness", "entries": 1, "days": 1, "mood": 2.0},
    ]


def test_the_same_entries_fall_on_other_days_in_utc(kiritimati_diary):
    kiritimati_diary.timezone = "UTC"
    stats = stats_for_user(user=kiritimati_diary, days=7, now=NOW)
    # In UTC today is 03-12: A, B and C are all on 03-10, D on 03-11, E on 03-12.
    assert [d["entries"] for d in stats["daily"]] == [0, 0, 0, 0, 3, 1, 1]
    assert _day(stats, "2024-03-10")["mood"] == round((2 + 4 + 5) / 3, 2)


def test_day_boundaries_across_the_dst_change_in_adak(owner):
    """America/Adak is UTC-10, and UTC-9 from 2024-03-10 02:00 local (12:00 UTC)."""
    owner.timezone = "America/Adak"
    owner.save()
    _entry(owner, _utc(2024, 3, 10, 9, 59), mood=1)  # 03-09 23:59 HST
    _entry(owner, _utc(2024, 3, 10, 10, 59), mood=3)  # 03-10 00:59 HST
    _entry(owner, _utc(2024, 3, 11, 8, 59), mood=5)  # 03-10 23:59 HDT
    _entry(owner, _utc(2024, 3, 11, 9, 0), mood=2)  # 03-11 00:00 HDT
    stats = stats_for_user(user=owner, days=7, now=_utc(2024, 3, 11, 12, 0))  # 03-11 03:00 HDT
    assert stats["end"] == date(2024, 3, 11)
    assert [d["entries"] for d in stats["daily"]] == [0, 0, 0, 0, 1, 2, 1]
    assert [d["mood"] for d in stats["daily"]][-3:] == [1.0, 4.0, 2.0]
    assert stats["streaks"] == {"current": 3, "longest": 3}


def test_empty_period_has_zeros_and_no_moods(owner):
    _entry(owner, _utc(2023, 1, 1, 12), mood=4, tags=["joy"])
    _entry(owner, _utc(2023, 1, 2, 12), mood=4, tags=["joy"])
    stats = stats_for_user(user=owner, days=30, now=_utc(2024, 3, 12, 12))
    assert len(stats["daily"]) == 30
    assert all(d["entries"] == 0 and d["mood"] is None and d["mood_7d"] is None for d in stats["daily"])
    assert stats["totals"] == {"entries": 0, "words": 0, "days_written": 0, "mood_average": None}
    assert stats["emotions"] == []
    assert all(w["mood"] is None for w in stats["weekdays"])
    assert stats["streaks"] == {"current": 0, "longest": 2}


def test_a_user_without_entries_gets_empty_statistics(owner):
    stats = stats_for_user(user=owner, days=365, now=NOW)
    assert stats["totals"]["entries"] == 0
    assert stats["streaks"] == {"current": 0, "longest": 0}
    assert len(stats["heatmap"]["days"]) >= 365


def test_current_streak_survives_until_the_day_is_over(owner):
    _entry(owner, _utc(2024, 3, 10, 12))
    _entry(owner, _utc(2024, 3, 11, 12))
    # Nothing yet on 03-12: the streak of 2 is still alive, it breaks only on 03-13.
    assert stats_for_user(user=owner, days=7, now=_utc(2024, 3, 12, 8))["streaks"]["current"] == 2
    assert stats_for_user(user=owner, days=7, now=_utc(2024, 3, 13, 8))["streaks"]["current"] == 0


def test_longest_streak_spans_gaps_correctly(owner):
    for day in (1, 2, 3, 5, 6, 7, 8, 20):
        _entry(owner, _utc(2024, 1, day, 12))
    _entry(owner, _utc(2024, 1, 6, 13))  # two entries on one day are one day
    stats = stats_for_user(user=owner, days=7, now=_utc(2024, 1, 20, 18))
    assert stats["streaks"] == {"current": 1, "longest": 4}


def test_entries_dated_in_the_future_do_not_extend_streaks(owner):
    _entry(owner, _utc(2024, 3, 12, 12))
    _entry(owner, _utc(2024, 3, 14, 12))
    _entry(owner, _utc(2024, 3, 15, 12))
    assert stats_for_user(user=owner, days=7, now=_utc(2024, 3, 12, 18))["streaks"] == {"current": 1, "longest": 1}


def test_heatmap_covers_the_last_twelve_months_to_today(kiritimati_diary):
    heatmap = stats_for_user(user=kiritimati_diary, days=7, now=NOW)["heatmap"]
    # Today is 13 March 2024 in Kiritimati: from 14 March 2023, 366 days (29 February 2024 is among them).
    assert heatmap["start"] == date(2023, 3, 14)
    assert heatmap["end"] == date(2024, 3, 13)
    assert [c["date"] for c in heatmap["days"]] == [date(2023, 3, 14) + timedelta(days=i) for i in range(366)]
    counts = {c["date"]: c["entries"] for c in heatmap["days"] if c["entries"]}
    assert counts == {
        date(2024, 3, 1): 1, date(2024, 3, 10): 1, date(2024, 3, 11): 2, date(2024, 3, 12): 1, date(2024, 3, 13): 1
    }


@pytest.mark.parametrize(("today", "start", "days"), [
    (date(2026, 12, 6), date(2025, 12, 7), 365),
    (date(2026, 12, 31), date(2026, 1, 1), 365),
    (date(2027, 1, 1), date(2026, 1, 2), 365),
    (date(2026, 11, 30), date(2025, 12, 1), 365),
    (date(2024, 2, 29), date(2023, 3, 1), 366),
    (date(2024, 3, 1), date(2023, 3, 2), 366),
    (date(2025, 2, 28), date(2024, 2, 29), 366),
])
def test_the_year_of_pixels_is_365_or_366_days_ending_today(today, start, days):
    assert year_start(today) == start
    assert (today - start).days + 1 == days


def test_outsider_sees_only_their_own_statistics(kiritimati_diary, outsider):
    stats = stats_for_user(user=outsider, days=7, now=NOW)
    assert stats["totals"]["entries"] == 5
    assert [e["code"] for e in stats["emotions"]] == ["anger"]
    assert stats["totals"]["words"] == 500


def test_compute_runs_two_queries_however_many_entries(owner, django_assert_num_queries):
    for day in range(1, 29):
        _entry(owner, _utc(2024, 2, day, 12), mood=3, tags=["joy", "calm"])
    tz = user_zone(user=owner)
    # 1. entries per local day over all time, 2. emotions of the period (tags expanded)
    with django_assert_num_queries(2):
        stats_compute(user_id=owner.pk, tz=tz, days=365, today=date(2024, 3, 1))
    for day in range(1, 29):
        _entry(owner, _utc(2023, 2, day, 12), mood=3, tags=["tired"])
    with django_assert_num_queries(2):
        stats_compute(user_id=owner.pk, tz=tz, days=365, today=date(2024, 3, 1))


def test_unknown_timezone_falls_back_to_utc(owner):
    owner.timezone = "Mars/Olympus_Mons"
    assert user_zone(user=owner).key == "UTC"


@pytest.mark.parametrize("value, days", [(None, 30), ("", 30), ("7", 7), ("30", 30), ("90", 90), ("365", 365)])
def test_period_parse_accepts_the_four_periods(value, days):
    assert stats_period_parse(value=value) == days


@pytest.mark.parametrize("value", ["0", "1", "14", "366", "-7", "abc", "7.0", "1e3", " 7"])
def test_period_parse_refuses_anything_else(value):
    with pytest.raises(InvalidPeriod):
        stats_period_parse(value=value)


def test_weekly_moods_average_the_days_of_each_monday_to_sunday_week(owner):
    _entry(owner, _utc(2024, 3, 4, 12), mood=2)  # Monday
    _entry(owner, _utc(2024, 3, 6, 12), mood=4)
    _entry(owner, _utc(2024, 3, 6, 13), mood=5)  # the day's mood is 4.5
    _entry(owner, _utc(2024, 3, 11, 12), mood=1)
    weekly = stats_for_user(user=owner, days=365, now=_utc(2024, 3, 12, 18))["weekly"]
    by_start = {week["start"]: week for week in weekly}
    assert by_start[date(2024, 3, 4)] == {"start": date(2024, 3, 4), "mood": 3.25, "days": 2}
    assert by_start[date(2024, 3, 11)]["mood"] == 1.0
    assert all(week["start"].weekday() == 0 for week in weekly[1:])
    assert 52 <= len(weekly) <= 54


def test_statistics_count_own_tags_like_emotions(owner):
    day = datetime(2024, 3, 1, 12, tzinfo=UTC)
    EntryFactory(user=owner, created_at=day, mood=5, emotion_tags=["joy"], tags=["swim"])
    EntryFactory(user=owner, created_at=day - timedelta(days=1), mood=3, emotion_tags=[], tags=["swim", "work"])
    stats = stats_compute(user_id=owner.pk, tz=user_zone(user=owner), days=7, today=date(2024, 3, 1))
    march, february = date(2024, 3, 1), date(2024, 2, 1)
    assert stats["tags"] == [
        # Every day of the period with a mood had a swim: no other days to compare with.
        {"name": "swim", "entries": 2, "days": 2, "mood": 4.0, "mood_without": None,
         "months": [{"month": february, "entries": 1}, {"month": march, "entries": 1}]},
        {"name": "work", "entries": 1, "days": 1, "mood": 3.0, "mood_without": 5.0,
         "months": [{"month": february, "entries": 1}]},
    ]
    assert stats["emotions"] == [{"code": "joy", "entries": 1, "days": 1, "mood": 5.0}]
