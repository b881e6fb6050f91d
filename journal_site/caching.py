"""Cache helpers shared by the apps: counted reads and kept fragments."""

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
