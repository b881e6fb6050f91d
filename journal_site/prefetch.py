"""Per-user cache values fetched together with the rate limiter's count.

Every signed-in request needs a few small per-user cache values (the user
row, the statistics version). With Redis, the rate limiter's script and
those reads go out as one pipeline (`read_along`), so a signed-in request
costs one round trip for all of them instead of one each (docs/caching.md,
"Round trips"). The limiter decides nothing about these values; it only lets
its command travel with them.

Apps register a key maker once (AppConfig.ready); the values live for one
request in a context variable and are read by `journal_site.caching.cached`
and the apps' own cache helpers through `lookup`. A request that writes one of
these keys calls `forget`, so it never reads back its own stale copy.
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

NOT_PREFETCHED = object()  # the key was not part of this request's pipeline
ABSENT = object()  # it was, and the cache holds nothing under it

_user_key_makers: list[Callable[[int], str]] = []
_values: ContextVar[dict[str, Any] | None] = ContextVar("journal_prefetched", default=None)


def register_user_key(make_key: Callable[[int], str]) -> None:
    if make_key not in _user_key_makers:
        _user_key_makers.append(make_key)


def user_keys(user_id: int) -> list[str]:
    return [make_key(user_id) for make_key in _user_key_makers]


def read_along(client, command: Callable[[Any], None], keys: list[str] | tuple[str, ...]) -> tuple[Any, dict[str, Any]]:
    """Send one command and a GET of each cache key in one Redis pipeline: the command's reply, and the values.

    `command` queues its command on the pipeline (the rate limiter's count).
    The keys go through django-redis's own key making and decoding; a key the
    cache does not hold reads ABSENT. A failing command raises, as redis-py does.
    """
    from django.core.cache import cache

    redis_cache = cache.client
    pipe = client.pipeline(transaction=False)
    command(pipe)
    for name in keys:
        pipe.get(redis_cache.make_key(name))
    reply, *raw = pipe.execute()
    decode = redis_cache.decode
    return reply, {name: ABSENT if value is None else decode(value) for name, value in zip(keys, raw, strict=True)}


def begin(values: dict[str, Any]):
    """Make `values` this request's prefetched values; returns the token for `end`."""
    return _values.set(values)


def end(token) -> None:
    _values.reset(token)


def lookup(key: str) -> Any:
    """The prefetched value, ABSENT if the cache had none, or NOT_PREFETCHED."""
    values = _values.get()
    if values is None:
        return NOT_PREFETCHED
    return values.get(key, NOT_PREFETCHED)


def forget(key: str) -> None:
    values = _values.get()
    if values is not None:
        values.pop(key, None)


def forget_all() -> None:
    values = _values.get()
    if values is not None:
        values.clear()
