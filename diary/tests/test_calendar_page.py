from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from diary import views
from diary.tests.factories import entry_at

pytestmark = pytest.mark.django_db


def test_month_is_coloured_by_average_mood_and_links_to_the_day(owner_client, owner):
    entry_at(owner, "2024-05-01 09:00", mood=5)
    entry_at(owner, "2024-05-01 20:00", mood=4)
    entry_at(owner, "2024-05-07 09:00", mood=1)
    entry_at(owner, "2024-05-09 09:00", mood=None)
    response = owner_client.get("/diary/calendar/?month=2024-05")
    assert response.status_code == 200
    html = response.content.decode()
    assert "May 2024" in html
    assert 'class="cal-day has-entries cal-mood-5" href="/diary/?from=2024-05-01&amp;to=2024-05-01"' in html
    assert 'class="cal-day has-entries cal-mood-1" href="/diary/?from=2024-05-07&amp;to=2024-05-07"' in html
    assert 'class="cal-day has-entries" href="/diary/?from=2024-05-09&amp;to=2024-05-09"' in html
    assert "2 entries" in html and "\u00d72" in html
    # Each written day carries a dot in its mood's colour, or a ring without a mood; never a bare "•".
    assert '<span class="cal-dot mood-dot mood-5"></span>' in html and '<span class="cal-dot mood-dot mood-1">' in html
    assert '<span class="cal-dot mood-dot mood-none">' in html and "\u2022" not in html
    assert "?month=2024-04" in html and "?month=2024-06" in html
    assert "4 entries this month" in html


def test_day_link_finds_that_days_entries(owner_client, owner):
    entry_at(owner, "2024-05-01 09:00", title="That day")
    entry_at(owner, "2024-05-02 09:00", title="Next day")
    response = owner_client.get("/diary/?from=2024-05-01&to=2024-05-01")
    assert [e.title for e in response.context["page"].object_list] == ["That day"]


def test_days_follow_the_users_time_zone(owner_client, owner):
    owner.timezone = "Pacific/Auckland"
    owner.save()
    entry_at(owner, "2024-05-31 23:30", "Pacific/Auckland", mood=3)  # 31 May there, 31 May 11:30 UTC
    entry_at(owner, "2024-06-01 08:00", "Pacific/Auckland", mood=3)  # 1 June there, still 31 May in UTC
    html = owner_client.get("/diary/calendar/?month=2024-05").content.decode()
    assert html.count("has-entries cal-mood-3") == 1


def test_default_month_is_the_current_one_in_the_users_time_zone(owner_client, owner):
    owner.timezone = "Asia/Tokyo"
    owner.save()
    with mock.patch("django.utils.timezone.now", return_value=datetime(2024, 4, 30, 20, 0, tzinfo=UTC)):
        response = owner_client.get("/diary/calendar/")
    assert response.context["month"].isoformat() == "2024-05-01"
    assert b'aria-current="date"' in response.content


@pytest.mark.parametrize("month", ["2024-13", "2024-5", "May", "0001-01", "9999-12", "2024-00", "24-05", "2024-05-01"])
def test_bad_month_is_a_400_with_a_way_back(owner_client, month):
    response = owner_client.get(f"/diary/calendar/?month={month}")
    assert response.status_code == 400
    assert b'class="form-errors diary-errors"' in response.content and b'href="/diary/calendar/"' in response.content


@pytest.mark.parametrize("count", [1, 40])
def test_calendar_query_count_does_not_grow(call_page, owner, count, django_assert_num_queries):
    now = timezone.now()
    for i in range(count):
        entry_at(owner, (now - timedelta(hours=i * 5)).strftime("%Y-%m-%d %H:%M"), mood=1 + i % 5)
    with django_assert_num_queries(1):  # entries per local day of the month: count and average mood, grouped
        response = call_page(views.entry_calendar, owner, "/diary/calendar/")
    assert response.status_code == 200
