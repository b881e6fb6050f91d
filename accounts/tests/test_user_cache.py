"""The user cache: `user:id:{id}` for 30 minutes, cleared on every change, with the rest of the user's cached
data (user_cached_data_forget: the apps above move their versions on, docs/caching.md)."""

import pytest
from django.core.cache import cache

from accounts import services
from accounts.models import User
from accounts.selectors import user_get_cached
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def cache_ttl(key: str):
    if hasattr(cache, "ttl"):  # django-redis
        return cache.ttl(key)
    full = cache.make_key(key)
    return cache._expire_info[full] - __import__("time").time()


def test_user_is_cached_for_thirty_minutes(owner):
    user_get_cached(user_id=owner.pk)
    assert cache.get(f"user:id:{owner.pk}") is not None
    assert 1790 <= cache_ttl(f"user:id:{owner.pk}") <= 1800


def test_cached_user_is_the_same_row(owner, django_assert_num_queries):
    user_get_cached(user_id=owner.pk)
    with django_assert_num_queries(0):
        user = user_get_cached(user_id=owner.pk)
    assert (user.pk, user.username, user.email, user.password) == (
        owner.pk,
        "owner",
        "owner@example.com",
        owner.password,
    )
    assert user.check_password(PASSWORD)
    assert not user._state.adding


def test_missing_and_malformed_ids_are_none(db):
    assert user_get_cached(user_id=999999) is None
    assert user_get_cached(user_id="not-a-number") is None
    assert user_get_cached(user_id=None) is None


def test_signed_in_page_costs_no_user_query(owner_client, owner, django_assert_num_queries):
    owner_client.get("/settings/")  # fills the caches
    # The session comes from the session cache and the user from the user cache: the queries are the
    # settings page's own reads of the account's text count and of its photos' space.
    with django_assert_num_queries(2) as captured:
        response = owner_client.get("/settings/")
    assert response.status_code == 200 and response.context["user"].pk == owner.pk
    assert '"users"."text_bytes"' in captured.captured_queries[0]["sql"]


def test_api_request_with_token_costs_no_user_query(owner_api, owner, django_assert_num_queries):
    owner_api.get("/api/v1/me/")
    with django_assert_num_queries(0):
        response = owner_api.get("/api/v1/me/")
    assert response.json()["username"] == "owner"


def test_stale_cache_entry_from_an_older_model_is_reread(owner):
    cache.set(f"user:id:{owner.pk}", {"columns": ["id", "username"], "values": [owner.pk, "old"]}, 60)
    assert user_get_cached(user_id=owner.pk).username == "owner"


@pytest.fixture
def forgotten():
    """The ids user_cached_data_forget is sent for."""
    ids = []

    def receiver(sender, user_id, **kwargs):
        ids.append(user_id)

    services.user_cached_data_forget.connect(receiver, dispatch_uid="test.forgotten")
    yield ids
    services.user_cached_data_forget.disconnect(dispatch_uid="test.forgotten")


def test_any_change_clears_the_users_cached_data_only(owner, outsider, forgotten):
    user_get_cached(user_id=owner.pk)
    user_get_cached(user_id=outsider.pk)
    owner.language = "pl"
    owner.save()
    assert cache.get(f"user:id:{owner.pk}") is None
    assert cache.get(f"user:id:{outsider.pk}") is not None
    assert set(forgotten) == {owner.pk}  # now and again after the commit
    assert user_get_cached(user_id=owner.pk).language == "pl"


def test_sign_in_clears_only_the_user_row(client, owner, forgotten):
    user_get_cached(user_id=owner.pk)
    client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert cache.get(f"user:id:{owner.pk}") is None or user_get_cached(user_id=owner.pk).last_login is not None
    assert forgotten == []


def test_profile_change_through_the_page_is_seen_at_once(owner_client, owner):
    owner_client.get("/settings/")
    form = {"email": "owner@example.com", "language": "pl", "timezone": "Europe/Warsaw"}
    assert owner_client.post("/settings/", form).status_code == 302
    assert owner_client.get("/settings/").context["user"].timezone == "Europe/Warsaw"


def test_password_change_clears_the_cache(owner):
    user_get_cached(user_id=owner.pk)
    services.user_set_password(user=owner, password="another long secret")
    assert user_get_cached(user_id=owner.pk).check_password("another long secret")


def test_deactivation_with_update_clears_the_cache(owner):
    user_get_cached(user_id=owner.pk)
    services.user_set_active(user_ids=[owner.pk], active=False)
    assert user_get_cached(user_id=owner.pk).is_active is False


def test_deletion_clears_the_cache(owner):
    user_get_cached(user_id=owner.pk)
    cache.set(f"user:insights:{owner.pk}", "x", 60)
    services.user_delete(user=owner)
    assert cache.get(f"user:insights:{owner.pk}") is None
    assert user_get_cached(user_id=owner.pk) is None
    assert not User.objects.filter(pk=owner.pk).exists()


def test_invalidation_repeats_after_commit(owner, django_capture_on_commit_callbacks):
    # A request that read the old row between the save and the commit must not leave it cached.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        owner.language = "pl"
        owner.save()
        user_get_cached(user_id=owner.pk)  # re-cached inside the transaction
    assert callbacks
    assert cache.get(f"user:id:{owner.pk}") is None
