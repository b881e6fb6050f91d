from django.core.cache import cache

from diary.cache import stats_key, stats_version_key, user_stats_invalidate


def test_invalidation_changes_the_key_of_that_user_only():
    mine, theirs = stats_key(user_id=1, name="overview"), stats_key(user_id=2, name="overview")
    assert stats_key(user_id=1, name="overview") == mine
    user_stats_invalidate(user_id=1)
    assert stats_key(user_id=1, name="overview") != mine
    assert stats_key(user_id=2, name="overview") == theirs


def test_keys_follow_the_per_user_pattern():
    key = stats_key(user_id=42, name="days-30")
    assert key.startswith("user:stats:days-30:") and key.endswith(":42")


def test_a_change_to_the_user_gives_their_statistics_a_new_version_and_no_one_elses(owner, outsider):
    before = {user.pk: stats_key(user_id=user.pk, name="overview") for user in (owner, outsider)}
    owner.timezone = "Europe/Warsaw"
    owner.save()
    assert stats_key(user_id=owner.pk, name="overview") != before[owner.pk]
    assert stats_key(user_id=outsider.pk, name="overview") == before[outsider.pk]


def test_a_deleted_account_leaves_no_statistics_version(owner):
    stats_key(user_id=owner.pk, name="overview")
    assert cache.get(stats_version_key(owner.pk)) is not None
    owner_id = owner.pk
    owner.delete()
    assert cache.get(stats_version_key(owner_id)) is None
