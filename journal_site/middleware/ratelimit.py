"""The request rate limit: RateLimitMiddleware and its fixed-window counter (docs/limits.md).

It counts and decides, nothing else. Whom a request counts against comes from
journal_site/requester.py; the per-user cache values that ride in the same
Redis round trip are prefetch's (journal_site/prefetch.py): the limiter only
hands them its script to send along.

Requests are counted per client and minute in Redis, shared by every process:
INCR and EXPIRE run as one Lua script, so concurrent requests on any worker or
machine each see a distinct count and the 61st of a minute is refused,
whatever the interleaving. Without Redis (the embedded mode) the counters live
in the in-process cache, whose add and incr hold its lock: exact for the
single-process server.
"""

import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from journal_site import prefetch
from journal_site.metrics import RATE_LIMIT_BACKEND_ERRORS, RATE_LIMITED
from journal_site.middleware.common import route_path, wants_json
from journal_site.requester import requester_identity
from journal_site.views import error_page

# The outage warning keeps the logger name it has always had, so existing log filters still match.
logger = logging.getLogger("journal_site.ratelimit")

# Health probes and scrapes come every few seconds from the same address, and
# static files are many per page: none of them may eat a person's allowance.
EXEMPT_ROUTES = ("healthz", "readyz", "metrics")
# A photo's files come many to a page too (a gallery, a list's thumbnails), and a browser keeps them: their
# reads are counted apart, PHOTO_READS_PER_MINUTE of them, so pictures never eat a person's allowance.
PHOTO_ROUTE = "diary:photo"
_SOME_ID = 987654321

WINDOW_SECONDS = 60
KEY_PREFIX = "ratelimit"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window resets
    fetched: dict = field(default_factory=dict)  # prefetch's values, read in the same round trip


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

    # EVALSHA itself, not the script object: redis-py would ask SCRIPT EXISTS
    # first, one more round trip on every request.
    def count(pipe) -> None:
        pipe.evalsha(script.sha, 1, key, WINDOW_SECONDS * 2)

    try:
        reply, fetched = prefetch.read_along(client, count, fetch)
    except NoScriptError:  # the server lost its scripts (a restart, SCRIPT FLUSH)
        client.script_load(_INCR_WITH_TTL)
        reply, fetched = prefetch.read_along(client, count, fetch)
    return int(reply), fetched


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

    `fetch` names cache keys that prefetch reads in the same round trip
    (`prefetch.read_along`); their values come back in `Decision.fetched`.
    Fails open: if Redis cannot be reached the request is
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


class RateLimitMiddleware:
    """settings.RATE_LIMIT_PER_MINUTE requests per client and minute; 429 with Retry-After beyond."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt_paths = None
        self.photo_prefix = None

    def is_photo_read(self, request: HttpRequest) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        if self.photo_prefix is None:
            try:
                path = route_path(PHOTO_ROUTE, args=[_SOME_ID, "digest", "original"])
                self.photo_prefix = path[:path.index(str(_SOME_ID))]
            except NoReverseMatch:  # a site without photos (a test's URLconf)
                self.photo_prefix = ""
        return bool(self.photo_prefix) and request.path_info.startswith(self.photo_prefix)

    def is_exempt(self, path: str) -> bool:
        if self.exempt_paths is None:
            self.exempt_paths = frozenset(route_path(name).rstrip("/") for name in EXEMPT_ROUTES)
        return path.startswith(settings.STATIC_URL) or path.rstrip("/") in self.exempt_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.is_exempt(request.path_info):
            return self.get_response(request)
        identity = requester_identity(request)
        kind, _sep, user_id = identity.partition(":")
        fetch = prefetch.user_keys(int(user_id)) if kind == "user" and user_id.isdigit() else ()
        if self.is_photo_read(request):
            decision = hit(f"{identity}:photos", limit=settings.PHOTO_READS_PER_MINUTE, fetch=fetch)
        else:
            decision = hit(identity, fetch=fetch)
        if decision.allowed:
            token = prefetch.begin(decision.fetched)
            try:
                return self.get_response(request)
            finally:
                prefetch.end(token)
        RATE_LIMITED.labels(scope=identity.split(":", 1)[0]).inc()
        if wants_json(request):
            response = JsonResponse({"detail": _("Too many requests. Please wait a minute and try again.")}, status=429)
        else:
            response = error_page(429, {"retry_after": decision.retry_after})
        response["Retry-After"] = str(decision.retry_after)
        return response
