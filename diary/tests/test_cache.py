from diary.cache import stats_key, user_stats_invalidate


def test_invalidation_changes_the_key_of_that_user_only():
    mine, theirs = stats_key(user_id=1, name="overview"), stats_key(user_id=2, name="overview")
    assert stats_key(user_id=1, name="overview") == mine
    user_stats_invalidate(user_id=1)
    assert stats_key(user_id=1, name="overview") != mine
    assert stats_key(user_id=2, name="overview") == theirs


def test_keys_follow_the_per_user_pattern():
    key = stats_key(user_id=42, name="days-30")
    assert key.startswith("user:stats:days-30:") and key.endswith(":42")
