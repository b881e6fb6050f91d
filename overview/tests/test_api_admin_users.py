from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.conftest import bearer
from accounts.tests.factories import UserFactory
from conversations.tests.factories import MessageFactory
from diary.tests.factories import EntryFactory
from overview.selectors import STATS_OVERVIEW_KEY

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/users/"


@pytest.fixture
def admin_api(admin_user):
    return bearer(str(RefreshToken.for_user(admin_user).access_token))


def test_admin_users_shape_and_counts(admin_api, owner, outsider):
    EntryFactory.create_batch(3, user=owner)
    MessageFactory.create_batch(2, user=owner)
    response = admin_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"users", "stats"}
    assert set(body["users"]) == {"next", "previous", "results"}
    rows = {row["username"]: row for row in body["users"]["results"]}
    assert rows["owner"]["entry_count"] == 3 and rows["owner"]["message_count"] == 2
    assert rows["outsider"]["entry_count"] == 0 and rows["outsider"]["last_activity"] is None
    assert rows["owner"]["last_activity"] is not None
    assert "content" not in rows["owner"] and "password" not in rows["owner"]


def test_admin_users_never_carries_entry_or_message_text(admin_api, owner):
    EntryFactory(user=owner, title="My secret title", content="My secret diary text")
    MessageFactory(user=owner, content="My secret message")
    response = admin_api.get(URL)
    assert response.status_code == 200
    [row] = [row for row in response.json()["users"]["results"] if row["username"] == "owner"]
    assert (row["entry_count"], row["message_count"]) == (1, 1)  # the rows are there, their text is not
    assert "secret" not in response.content.decode()


def test_admin_users_stats(admin_api, owner):
    EntryFactory.create_batch(2, user=owner)
    EntryFactory(user=owner, created_at=timezone.now() - timedelta(days=40))
    MessageFactory(user=owner)
    UserFactory(is_active=False, created_at=timezone.now() - timedelta(days=30))
    stats = admin_api.get(URL).json()["stats"]
    # boss and owner (new, active) and the inactive one from a month ago
    assert (stats["users_total"], stats["users_active"], stats["users_new_this_week"]) == (3, 2, 2)
    assert len(stats["entries_per_day"]) == 30 and len(stats["messages_per_day"]) == 30
    assert stats["entries_per_day"][-1] == {"date": timezone.now().date().isoformat(), "count": 2}
    assert sum(day["count"] for day in stats["entries_per_day"]) == 2
    assert sum(day["count"] for day in stats["messages_per_day"]) == 1


def test_stats_are_cached_for_five_minutes_under_stats_overview(admin_api, owner):
    admin_api.get(URL)
    cached = cache.get(STATS_OVERVIEW_KEY)
    assert cached is not None and cached["users_total"] == 2
    UserFactory()
    assert admin_api.get(URL).json()["stats"]["users_total"] == 2  # still the cached figure
    ttl = (
        cache.ttl(STATS_OVERVIEW_KEY)
        if hasattr(cache, "ttl")
        else (cache._expire_info[cache.make_key(STATS_OVERVIEW_KEY)] - __import__("time").time())
    )
    assert 290 <= ttl <= 300


def test_admin_users_pages_with_a_cursor(admin_api):
    UserFactory.create_batch(4)
    first = admin_api.get(URL, {"page_size": 2}).json()["users"]
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    second = admin_api.get(first["next"]).json()["users"]
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})


def test_admin_users_search_and_filter(admin_api, owner, outsider):
    UserFactory(username="sleepy", is_active=False)
    names = [r["username"] for r in admin_api.get(URL, {"q": "OWN"}).json()["users"]["results"]]
    assert names == ["owner"]
    names = [r["username"] for r in admin_api.get(URL, {"is_active": "false"}).json()["users"]["results"]]
    assert names == ["sleepy"]


def test_admin_users_query_count_does_not_grow(admin_api, owner, django_assert_num_queries):
    admin_api.get(URL)  # warms the admin's user cache and stats:overview
    UserFactory.create_batch(5)
    for user in [owner]:
        EntryFactory.create_batch(3, user=user)
    # 1 the page of users with their counts and last times as subqueries; stats from the cache.
    with django_assert_num_queries(1):
        response = admin_api.get(URL)
    assert len(response.json()["users"]["results"]) == 7


def test_non_admins_get_403_and_visitors_401(owner_api, api_client):
    assert owner_api.get(URL).status_code == 403
    assert api_client.get(URL).status_code == 401
