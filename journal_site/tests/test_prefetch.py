"""A signed-in request reads its per-user cache values in the rate limiter's Redis round trip."""

import pytest
from django.conf import settings
from redis.connection import Connection

from journal_site import prefetch

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "redis" not in settings.CACHES["default"]["BACKEND"].lower(), reason="round trips are Redis's"
    ),
]


@pytest.fixture
def round_trips(monkeypatch):
    """Counts the commands (a pipeline is one) sent to Redis."""
    sent: list[int] = []
    original = Connection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(1)
        return original(self, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", counting)
    return sent


def test_a_bearer_request_costs_one_round_trip(owner_api, round_trips):
    owner_api.get("/api/v1/me/")  # warms the user cache
    round_trips.clear()
    response = owner_api.get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["username"] == "owner"
    # The rate limiter's script, the user row and the statistics version, pipelined.
    assert len(round_trips) == 1


def test_a_signed_in_page_costs_the_session_and_one_round_trip(owner_client, round_trips):
    owner_client.get("/insights/")  # warms the user cache, the session cache and the page
    round_trips.clear()
    assert owner_client.get("/insights/").status_code == 200
    # 1. the session, 2. limiter + user + statistics version, 3. the cached statistics page
    assert len(round_trips) == 3


def test_a_change_made_by_the_request_is_not_read_back_from_the_prefetch(owner_api):
    owner_api.get("/api/v1/me/")
    response = owner_api.patch("/api/v1/me/", {"language": "pl"}, format="json")
    assert response.status_code == 200
    assert response.json()["language"] == "pl"
    assert owner_api.get("/api/v1/me/").json()["language"] == "pl"


def test_prefetched_values_end_with_the_request(owner_client):
    owner_client.get("/insights/")
    assert prefetch.lookup("user:id:1") is prefetch.NOT_PREFETCHED


def test_values_are_absent_or_decoded(owner, owner_client):
    from journal_site.middleware import ratelimit

    decision = ratelimit.hit(f"user:{owner.pk}", fetch=prefetch.user_keys(owner.pk))
    assert set(decision.fetched) == set(prefetch.user_keys(owner.pk))
    owner_client.get("/insights/")
    decision = ratelimit.hit(f"user:{owner.pk}", fetch=prefetch.user_keys(owner.pk))
    user_row = decision.fetched[f"user:id:{owner.pk}"]
    assert user_row is not prefetch.ABSENT and owner.username in user_row["values"]


def test_a_server_that_lost_the_script_still_counts(owner, owner_api):
    from django_redis import get_redis_connection

    owner_api.get("/api/v1/me/")
    get_redis_connection("default").script_flush()
    assert owner_api.get("/api/v1/me/").status_code == 200
    from journal_site.middleware import ratelimit

    assert ratelimit.hit(f"user:{owner.pk}", fetch=prefetch.user_keys(owner.pk)).count == 3
