"""Fixed-window request counting, shared by every process through Redis.

One counter per client and minute: INCR and EXPIRE run as one Lua script, so
concurrent requests on any worker or machine each see a distinct count and
the 61st of a minute is refused, whatever the interleaving.
Without Redis (the embedded mode) the counters live in the in-process cache,
whose add and incr hold its lock: exact for the single-process server.
"""

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from journal_site.metrics import RATE_LIMIT_BACKEND_ERRORS
from journal_site.prefetch import ABSENT

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
KEY_PREFIX = "ratelimit"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window resets
    fetched: dict = field(default_factory=dict)


def _now() -> float:
    return time.time()


def _local_incr(key: str) -> int:
    """The embedded cache is this process's memory: add-then-incr under its lock is exact."""
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, WINDOW_SECONDS * 2)
        return 1


def _uses_redis() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


# INCR and, for a new key, EXPIRE, as one script: atomic like MULTI/EXEC but a
# single command and a single reply, which matters on every request.
_INCR_WITH_TTL = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""
_scripts: dict[int, object] = {}


def _redis_incr(key: str, fetch) -> tuple[int, dict]:
    from django_redis import get_redis_connection
    from redis.exceptions import NoScriptError

    client = get_redis_connection("default")
    script = _scripts.get(id(client))
    if script is None:
        # Registered once per client; redis-py sends EVALSHA and falls back to
        # EVAL if the server has lost the script (a restart, SCRIPT FLUSH).
        script = _scripts[id(client)] = client.register_script(_INCR_WITH_TTL)
    if not fetch:
        # Twice the window: the key outlives its minute without a second look.
        return int(script(keys=[key], args=[WINDOW_SECONDS * 2])), {}
    # One round trip: the count and the cache values the request will read.
    # The values go through django-redis's own key making and decoding.
    # EVALSHA itself, not the script object: redis-py would ask SCRIPT EXISTS
    # first, one more round trip on every request.
    redis_cache = cache.client

    def send() -> list:
        pipe = client.pipeline(transaction=False)
        pipe.evalsha(script.sha, 1, key, WINDOW_SECONDS * 2)
        for name in fetch:
            pipe.get(redis_cache.make_key(name))
        return pipe.execute()

    try:
        count, *raw = send()
    except NoScriptError:  # the server lost its scripts (a restart, SCRIPT FLUSH)
        client.script_load(_INCR_WITH_TTL)
        count, *raw = send()
    fetched = {
        name: ABSENT if value is None else redis_cache.decode(value) for name, value in zip(fetch, raw, strict=True)
    }
    return int(count), fetched


_last_error_log = float("-inf")


def _log_backend_error(exc: Exception) -> None:
    """Log an outage once a minute per process, not once per request."""
    global _last_error_log
    RATE_LIMIT_BACKEND_ERRORS.inc()
    now = time.monotonic()
    if now - _last_error_log >= WINDOW_SECONDS:
        _last_error_log = now
        logger.warning(
            "rate limiter cannot reach Redis; letting requests through",
            extra={"error": type(exc).__name__},
        )


def hit(identity: str, *, limit: int | None = None, fetch: tuple[str, ...] | list[str] = ()) -> Decision:
    """Count one request of `identity` and say whether it may go on.

    `fetch` names cache keys to read in the same round trip (journal_site/prefetch.py);
    their values come back in `Decision.fetched`, prefetch.ABSENT for a key the
    cache does not hold. Fails open: if Redis cannot be reached the request is
    allowed, nothing is fetched and the outage logged, so the limiter never
    takes the site down with it.
    """
    limit = settings.RATE_LIMIT_PER_MINUTE if limit is None else limit
    now = _now()
    window = int(now // WINDOW_SECONDS)
    retry_after = max(1, int(WINDOW_SECONDS - (now % WINDOW_SECONDS) + 0.999))
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    key = f"{prefix}:{KEY_PREFIX}:{window}:{identity}"
    fetched: dict = {}
    if _uses_redis():
        try:
            count, fetched = _redis_incr(key, fetch)
        except Exception as exc:  # any Redis failure: fail open
            _log_backend_error(exc)
            return Decision(allowed=True, count=0, limit=limit, retry_after=retry_after)
    else:
        count = _local_incr(key)
    if count is None:  # a cache that swallows its errors answers None: fail open
        return Decision(allowed=True, count=0, limit=limit, retry_after=retry_after)
    return Decision(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after, fetched=fetched)
