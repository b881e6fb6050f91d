"""Beat's schedule: the daily cleanups run at a fixed local time, not 24 h after beat started."""

import copy
from datetime import datetime
from zoneinfo import ZoneInfo

from celery.schedules import crontab
from django.conf import settings

from journal_site.celery import app
from journal_site.tests.test_settings import run_manage, settings_value

DAILY = ("conversations.cleanup_conversations", "accounts.cleanup_stale_tokens")


def daily_entries(schedule: dict) -> list:
    return [entry["schedule"] for entry in schedule.values() if entry["task"] in DAILY]


def test_daily_cleanups_are_crontabs_at_the_configured_time():
    schedules = daily_entries(settings.CELERY_BEAT_SCHEDULE)
    assert len(schedules) == 2
    for schedule in schedules:
        assert isinstance(schedule, crontab)
        assert schedule.hour == {3} and schedule.minute == {30}


def test_the_next_run_is_the_next_configured_time_whatever_beat_started():
    schedule = copy.copy(daily_entries(settings.CELERY_BEAT_SCHEDULE)[0])
    schedule.app = app
    utc = ZoneInfo("UTC")
    now = datetime(2026, 3, 10, 17, 0, tzinfo=utc)
    schedule.nowfun = lambda: now
    # Beat started at 17:00 (and last ran the task yesterday at 03:30): the next
    # run is at 03:30 tomorrow, 10.5 h away, not at 17:00 tomorrow.
    due, next_in = schedule.is_due(datetime(2026, 3, 10, 3, 30, tzinfo=utc))
    assert due is False and next_in == 10.5 * 3600
    now = datetime(2026, 3, 11, 3, 30, 1, tzinfo=utc)
    due, _next_in = schedule.is_due(datetime(2026, 3, 10, 3, 30, tzinfo=utc))
    assert due is True


def test_time_and_zone_come_from_the_environment(tmp_path):
    env = {"CLEANUP_HOUR": "22", "CLEANUP_MINUTE": "5", "CELERY_TIMEZONE": "Europe/Warsaw"}
    out = settings_value(
        "sorted(settings.CELERY_BEAT_SCHEDULE['cleanup-conversations']['schedule'].hour),"
        "sorted(settings.CELERY_BEAT_SCHEDULE['accounts-cleanup-stale-tokens']['schedule'].minute),"
        "settings.CELERY_TIMEZONE",
        env,
        tmp_path,
    )
    assert out == "[22] [5] Europe/Warsaw"


def test_a_bad_time_or_zone_stops_the_process_naming_the_variable(tmp_path):
    for name, value in (("CLEANUP_HOUR", "24"), ("CLEANUP_MINUTE", "x"), ("CELERY_TIMEZONE", "Mars/Base")):
        result = run_manage("check", env={name: value}, tmp_path=tmp_path)
        assert result.returncode != 0 and name in result.stderr
