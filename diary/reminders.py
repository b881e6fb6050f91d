"""Daily reminder emails, at the local time each user chose.

`reminders_send_due` runs every few minutes (Celery beat, "diary.send_due_reminders").
A user is due when reminders are on, their local time has passed the chosen
time today, and they were not reminded on this local date. Each user is
claimed with a conditional UPDATE of `reminder_last_sent_on` before the email
goes out, so two runs at once, a restarted beat or a redelivered task send at
most one reminder per user per day. A user who already wrote today is
claimed but not emailed. If sending fails the claim is released, so a later
run tries again.
"""

import logging
import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.timezones import zone_named
from diary.models import DiaryEntry

logger = logging.getLogger(__name__)


def reminders_due(*, now: datetime) -> list[dict]:
    """Users due for today's reminder: two queries, whatever the number of users.

    Users are grouped by time zone; every zone whose wall clock reads the same
    now shares one condition, so the second query has a few dozen branches at most.
    """
    enabled = User.objects.filter(reminder_enabled=True, reminder_time__isnull=False, is_active=True)
    groups: dict[tuple[date, time], list[str]] = {}
    for name in enabled.order_by().values_list("timezone", flat=True).distinct():
        local = now.astimezone(zone_named(name))
        groups.setdefault((local.date(), local.time().replace(tzinfo=None)), []).append(name)
    if not groups:
        return []
    condition = Q()
    for (today, clock), names in groups.items():
        condition |= Q(timezone__in=names, reminder_time__lte=clock) & (
            Q(reminder_last_sent_on__isnull=True) | Q(reminder_last_sent_on__lt=today)
        )
    due = []
    for user_id, email, username, language, zone_name in enabled.filter(condition).order_by("pk").values_list(
        "pk", "email", "username", "language", "timezone"
    ):
        due.append(
            {
                "user_id": user_id,
                "email": email,
                "username": username,
                "language": language,
                "zone": zone_named(zone_name),
                "today": now.astimezone(zone_named(zone_name)).date(),
            }
        )
    return due


def reminder_claim(*, user_id: int, today: date) -> bool:
    """Mark today's reminder as taken; True only for the one caller that changed the row."""
    claimed = (
        User.objects.filter(pk=user_id, reminder_enabled=True)
        .filter(Q(reminder_last_sent_on__isnull=True) | Q(reminder_last_sent_on__lt=today))
        .update(reminder_last_sent_on=today)
    )
    if claimed:
        # The cached user (accounts' `user:id:<id>`) must not write the old date back.
        cache.delete(f"user:id:{user_id}")
    return claimed == 1


def _release(*, user_id: int, today: date) -> None:
    User.objects.filter(pk=user_id, reminder_last_sent_on=today).update(reminder_last_sent_on=today - timedelta(days=1))
    cache.delete(f"user:id:{user_id}")


def _wrote_today(*, user_id: int, zone: zoneinfo.ZoneInfo, today: date) -> bool:
    start = datetime.combine(today, time.min, tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
    return DiaryEntry.objects.filter(user_id=user_id, created_at__gte=start, created_at__lt=end).exists()


def reminder_send(*, due: dict) -> None:
    site = settings.SITE_URL.rstrip("/")
    with translation.override(due["language"]):
        subject = _("A few quiet minutes for your journal?")
        body = _(
            "Hello %(name)s,\n\n"
            "this is the daily reminder you asked for. How was your day? Write it down:\n"
            "%(write_url)s\n\n"
            "You can change the time or turn reminders off in your settings:\n"
            "%(settings_url)s\n"
        ) % {"name": due["username"], "write_url": f"{site}/diary/new/", "settings_url": f"{site}/settings/"}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [due["email"]])


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Send every due reminder; returns how many emails went out."""
    now = now or timezone.now()
    sent = 0
    for due in reminders_due(now=now):
        if not reminder_claim(user_id=due["user_id"], today=due["today"]):
            continue  # another run took this one
        if _wrote_today(user_id=due["user_id"], zone=due["zone"], today=due["today"]):
            continue  # already wrote today: no need to remind
        try:
            reminder_send(due=due)
        except Exception as exc:
            _release(user_id=due["user_id"], today=due["today"])
            logger.error("reminder for user %s not sent: %s", due["user_id"], type(exc).__name__)
            continue
        sent += 1
    return sent
