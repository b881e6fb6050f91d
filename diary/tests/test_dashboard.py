from datetime import UTC, datetime
from unittest import mock

import pytest

from diary import views
from diary.tests.factories import entry_at

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield NOW


def test_visitors_see_the_landing_page(client):
    response = client.get("/")
    assert response.status_code == 200 and b"Start writing" in response.content


def test_dashboard_shows_today_on_this_day_and_a_button_to_write(owner_client, owner, outsider, frozen_now):
    owner.timezone = "Europe/Warsaw"
    owner.save()
    entry_at(owner, "2026-11-26 08:00", "Europe/Warsaw", title="This morning")
    entry_at(owner, "2025-11-26 21:00", "Europe/Warsaw", title="A year ago")
    entry_at(owner, "2022-11-26 00:10", "Europe/Warsaw", title="Four years ago")
    entry_at(owner, "2025-11-25 23:50", "Europe/Warsaw", title="Day before")
    entry_at(outsider, "2025-11-26 12:00", title="Someone else")
    response = owner_client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/diary/new/"' in html
    assert "This morning" in html
    assert "A year ago" in html and "Four years ago" in html
    assert "1 year ago" in html and "4 years ago" in html
    assert "Day before" not in html and "Someone else" not in html
    assert "Start writing" not in html


def test_dashboard_today_follows_the_users_time_zone(owner_client, owner, frozen_now):
    owner.timezone = "Pacific/Kiritimati"  # UTC+14: already 27 November there
    owner.save()
    entry_at(owner, "2026-11-27 01:00", "Pacific/Kiritimati", title="Kiritimati morning")
    entry_at(owner, "2025-11-27 12:00", "Pacific/Kiritimati", title="Last year there")
    html = owner_client.get("/").content.decode()
    assert "Kiritimati morning" in html and "Last year there" in html


def test_empty_dashboard_invites_writing(owner_client, frozen_now):
    html = owner_client.get("/").content.decode()
    assert "Nothing written today yet." in html
    # A check-in: each mood is a button of one form that saves it.
    assert 'action="/diary/checkin/"' in html and 'name="mood" value="4"' in html
    # A new writer is greeted, not told "0 days written this month".
    assert "streak" not in html and "days written this month" not in html
    assert "Welcome. A first entry can be one line about today" in html


def test_a_writer_with_entries_only_in_earlier_months_sees_the_count(owner_client, owner, frozen_now):
    entry_at(owner, "2025-01-10 12:00", "UTC", title="Long ago")
    html = owner_client.get("/").content.decode()
    assert "0 days written this month" in html and "Welcome." not in html


@pytest.mark.parametrize("years", [1, 12])
def test_dashboard_query_count_does_not_grow(call_page, owner, years, frozen_now, django_assert_num_queries):
    for year in range(2026 - years, 2027):
        entry_at(owner, f"{year}-11-26 09:00")
        entry_at(owner, f"{year}-11-20 09:00")
    # 1. today's entries  2. the first entry's date  3. entries on this day in each earlier year
    # 4. days written (streak and this month), on a cold cache only
    # 5. the first photo of each of those entries, for the cards (one query, however many)
    with django_assert_num_queries(5):
        response = call_page(views.home, owner, "/")
    assert response.status_code == 200
    with django_assert_num_queries(4):  # the streak now comes from the cache
        call_page(views.home, owner, "/")
