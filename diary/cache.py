"""Per-user statistics cache keys and their invalidation.

Statistics are cached under keys that carry a per-user version
(`user:stats:<name>:<version>:<user id>`). Invalidating bumps the version, an
O(1) write, so saving an entry never scans the keyspace; the old keys expire
on their own. Every write to a user's entries calls `user_stats_invalidate`.
docs/caching.md lists every cache key and what invalidates it.
"""

import time

from django.core.cache import cache

from journal_site import prefetch

STATS_TIMEOUT = 5 * 60


def _version_key(user_id: int) -> str:
    return f"user:stats-version:{user_id}"


def _version(user_id: int) -> int:
    key = _version_key(user_id)
    version = prefetch.lookup(key)
    if version is prefetch.NOT_PREFETCHED:
        version = cache.get(key)
    elif version is prefetch.ABSENT:
        version = None
    if version is None:
        cache.add(key, time.time_ns(), None)
        version = cache.get(key) or 0
    return version


def stats_key(*, user_id: int, name: str) -> str:
    return f"user:stats:{name}:{_version(user_id)}:{user_id}"


def user_stats_invalidate(*, user_id: int) -> None:
    cache.set(_version_key(user_id), time.time_ns(), None)
    prefetch.forget(_version_key(user_id))


def user_stats_forget(*, user_id: int) -> None:
    """Drop the version itself (a deleted account leaves no key); the next read starts a new one."""
    cache.delete(_version_key(user_id))
    prefetch.forget(_version_key(user_id))


def stats_version_key(user_id: int) -> str:
    """Read with the rate limiter's round trip on every signed-in request (DiaryConfig.ready)."""
    return _version_key(user_id)
