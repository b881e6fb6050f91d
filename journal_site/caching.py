"""Cache helpers shared by the apps: counted reads and pattern deletion."""

import fnmatch
from collections.abc import Callable
from typing import Any

from django.core.cache import cache, caches
from django.utils.safestring import SafeString, mark_safe

from journal_site import prefetch
from journal_site.metrics import CACHE_HITS, CACHE_MISSES

_MISSING = object()


def cached(key: str, timeout: int, compute: Callable[[], Any], *, name: str) -> Any:
    """Return the cached value for key, computing and storing it on a miss.

    `name` labels the hit/miss counters (users, ai, stats). A cache outage
    reads as a miss: django-redis ignores the error and the value is computed.
    """
    value = prefetch.lookup(key)
    if value is prefetch.NOT_PREFETCHED:
        value = cache.get(key, _MISSING)
    elif value is prefetch.ABSENT:
        value = _MISSING
    if value is not _MISSING:
        CACHE_HITS.labels(cache=name).inc()
        return value
    CACHE_MISSES.labels(cache=name).inc()
    value = compute()
    cache.set(key, value, timeout)
    prefetch.forget(key)
    return value


def delete_pattern(pattern: str) -> None:
    """Delete every key matching a glob pattern, on Redis and on the in-process cache."""
    prefetch.forget_all()
    if hasattr(cache, "delete_pattern"):  # django-redis: SCAN + DEL, never KEYS
        cache.delete_pattern(pattern)
        return
    # LocMemCache keeps keys as ":<version>:<key>" in a per-process dict.
    store = getattr(cache, "_cache", None)
    lock = getattr(cache, "_lock", None)
    if store is None or lock is None:
        raise NotImplementedError(f"{type(cache).__name__} cannot delete by pattern")
    with lock:
        for full_key in [k for k in store if fnmatch.fnmatchcase(k.split(":", 2)[-1], pattern)]:
            store.pop(full_key, None)
            cache._expire_info.pop(full_key, None)


def kept_fragment(key: str, render: Callable[[], str]) -> SafeString:
    """A rendered fragment kept in this process's own `fragments` cache (docs/caching.md, "Kept in each process").

    The key must name everything the fragment shows, so a kept one is never stale.
    """
    fragments = caches["fragments"]
    html = fragments.get(key)
    if html is None:
        html = render()
        fragments.set(key, html)
    return mark_safe(html)  # noqa: S308 - rendered from the project's autoescaped templates  # nosec B308 B703
