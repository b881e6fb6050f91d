"""Daily reminder emails: at the user's local time, at most once per user per day, whatever happens."""

from datetime import UTC, date, datetime, time

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import User
from accounts.tests.factories import UserFactory
from diary import reminders
from diary.reminders import reminder_claim, reminders_due, reminders_send_due
from diary.tests.factories import EntryFactory
from journal_site.celery import app
from journal_site.testing import run_at_once

NOW = datetime(2024, 3, 12, 6, 30, tzinfo=UTC)  # 20:30 on 03-12 in Kiritimati, 20:30 on 03-11 in Adak


def _user(name, zone="UTC", at=time(20, 0), **extra):
    extra.setdefault("reminder_enabled", True)
    return UserFactory(username=name, timezone=zone, reminder_time=at, **extra)


def test_due_means_the_local_time_has_passed_today(db):
    kiritimati = _user("kiri", "Pacific/Kiritimati")
    adak = _user("adak", "America/Adak")
    _user("early", "UTC", time(7, 0))  # 06:30 in UTC: not yet
    _user("late_kiri", "Pacific/Kiritimati", time(21, 0))
    due = {d["username"]: d["today"] for d in reminders_due(now=NOW)}
    assert due == {"kiri": date(2024, 3, 12), "adak": date(2024, 3, 11)}
    assert kiritimati and adak


def test_reminders_are_off_by_default_and_need_a_time_and_an_active_user(db):
    UserFactory(username="default", timezone="UTC")
    UserFactory(username="no_time", reminder_enabled=True, reminder_time=None)
    _user("inactive", is_active=False)
    _user("off", reminder_enabled=False)
    assert User.objects.get(username="default").reminder_enabled is False
    assert reminders_due(now=datetime(2024, 3, 12, 23, 0, tzinfo=UTC)) == []


def test_one_email_per_user_per_day(db, mailoutbox):
    _user("kiri", "Pacific/Kiritimati", email="kiri@example.com")
    assert reminders_send_due(now=NOW) == 1
    assert reminders_send_due(now=NOW) == 0
    assert reminders_send_due(now=NOW.replace(hour=9)) == 0  # later the same local day
    assert [m.to for m in mailoutbox] == [["kiri@example.com"]]
    assert User.objects.get(username="kiri").reminder_last_sent_on == date(2024, 3, 12)
    # The next local day, after 20:00 there, another one.
    assert reminders_send_due(now=datetime(2024, 3, 13, 6, 0, tzinfo=UTC)) == 1
    assert len(mailoutbox) == 2


def test_two_runs_that_both_saw_the_user_send_one_email(db, mailoutbox, monkeypatch):
    """Beat restarted, or two workers took two copies of the task: both listed the user before either claimed."""
    _user("kiri", "Pacific/Kiritimati")
    seen_by_first, seen_by_second = reminders_due(now=NOW), reminders_due(now=NOW)
    assert len(seen_by_first) == len(seen_by_second) == 1
    monkeypatch.setattr(reminders, "reminders_due", lambda now: seen_by_first)
    assert reminders_send_due(now=NOW) == 1
    monkeypatch.setattr(reminders, "reminders_due", lambda now: seen_by_second)
    assert reminders_send_due(now=NOW) == 0
    assert len(mailoutbox) == 1


def test_only_one_claim_wins(db):
    user = _user("kiri", "Pacific/Kiritimati")
    assert [reminder_claim(user_id=user.pk, today=date(2024, 3, 12)) for _ in range(3)] == [True, False, False]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="real concurrency on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_on_postgres_send_each_reminder_once(mailoutbox):
    for number in range(30):
        _user(f"user{number}", "Pacific/Kiritimati")
    results = run_at_once(lambda: reminders_send_due(now=NOW))
    assert sum(results) == 30
    assert sorted(m.to[0] for m in mailoutbox) == sorted(f"user{n}@example.com" for n in range(30))


def test_no_reminder_for_someone_who_already_wrote_today(db, mailoutbox):
    user = _user("kiri", "Pacific/Kiritimati")
    EntryFactory(user=user, created_at=datetime(2024, 3, 11, 22, 0, tzinfo=UTC))  # 03-12 12:00 there
    assert reminders_send_due(now=NOW) == 0
    assert mailoutbox == []
    user.refresh_from_db()
    assert user.reminder_last_sent_on == date(2024, 3, 12)  # settled for today


def test_an_entry_from_yesterday_does_not_count(db, mailoutbox):
    user = _user("kiri", "Pacific/Kiritimati")
    EntryFactory(user=user, created_at=datetime(2024, 3, 11, 9, 0, tzinfo=UTC))  # 03-11 23:00 there
    assert reminders_send_due(now=NOW) == 1


def test_a_failed_send_is_retried_by_the_next_run(db, mailoutbox, monkeypatch, caplog):
    _user("kiri", "Pacific/Kiritimati", email="kiri@example.com")

    def down(*args, **kwargs):
        raise ConnectionRefusedError("smtp down for kiri@example.com")

    monkeypatch.setattr(reminders, "send_mail", down)
    assert reminders_send_due(now=NOW) == 0
    assert "kiri@example.com" not in caplog.text
    monkeypatch.undo()
    assert reminders_send_due(now=NOW) == 1
    assert len(mailoutbox) == 1


def test_email_speaks_the_users_language_and_links_to_the_site(db, mailoutbox, settings):
    settings.SITE_URL = "https://journal.example.com/"
    _user("ola", "Pacific/Kiritimati", language="pl")
    _user("ann", "Pacific/Kiritimati", language="en")
    reminders_send_due(now=NOW)
    by_user = {m.to[0]: m for m in mailoutbox}
    assert "https://journal.example.com/diary/new/" in by_user["ann@example.com"].body
    assert "https://journal.example.com/settings/" in by_user["ann@example.com"].body
    assert by_user["ann@example.com"].subject == "A few quiet minutes for your journal?"
    assert by_user["ola@example.com"].subject == "Kilka spokojnych minut dla twojego dziennika?"


def test_finding_due_users_takes_two_queries_however_many(db, django_assert_num_queries):
    for number, zone in enumerate(["UTC", "Europe/Warsaw", "Pacific/Kiritimati", "America/Adak"] * 5):
        _user(f"u{number}", zone, time(0, 0))
    # 1. the time zones in use, 2. the due users (one condition per distinct local clock)
    with django_assert_num_queries(2):
        assert len(reminders_due(now=NOW)) == 20


def test_beat_sends_reminders_every_five_minutes():
    beat = settings.CELERY_BEAT_SCHEDULE.values()
    schedule = [entry for entry in beat if entry["task"] == "diary.send_due_reminders"]
    assert len(schedule) == 1 and schedule[0]["schedule"] <= 300
    app.loader.import_default_modules()
    assert {"diary.send_due_reminders", "portability.import_entries", "diary.import_entries"} <= set(app.tasks)
