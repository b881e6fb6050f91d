"""Maintenance mode: while an operator upgrades, everyone but staff gets a friendly 503 (docs/operations.md).

`manage.py maintenance on` sets the flag in the shared cache (`ops:maintenance`,
docs/caching.md), so every web machine sees it; each process looks it up at
most once every CHECK_SECONDS, so a request costs no cache round trip and the
switch takes effect everywhere within that time. Emptying the cache (Redis
flushed or restarted without persistence) ends maintenance.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

KEY = "ops:maintenance"
CHECK_SECONDS = 2.0
RETRY_AFTER_DEFAULT = 300

_lock = threading.Lock()
_seen: tuple[float, Maintenance | None] = (-CHECK_SECONDS, None)


@dataclass(frozen=True)
class Maintenance:
    since: str  # ISO time it began
    retry_after: int  # seconds, for the Retry-After header


def maintenance_on(*, retry_after: int = RETRY_AFTER_DEFAULT) -> Maintenance:
    state = Maintenance(since=timezone.now().isoformat(timespec="seconds"), retry_after=retry_after)
    cache.set(KEY, {"since": state.since, "retry_after": state.retry_after}, timeout=None)
    _forget()
    return state


def maintenance_off() -> None:
    cache.delete(KEY)
    _forget()


def maintenance_read() -> Maintenance | None:
    """The current state from the cache, now."""
    value = cache.get(KEY)
    if not isinstance(value, dict):
        return None
    retry_after = int(value.get("retry_after", RETRY_AFTER_DEFAULT))
    return Maintenance(since=str(value.get("since", "")), retry_after=retry_after)


def maintenance_current() -> Maintenance | None:
    """The state as this process last saw it, looked up again when CHECK_SECONDS have passed."""
    global _seen
    checked, state = _seen
    now = time.monotonic()
    if now - checked < CHECK_SECONDS:
        return state
    with _lock:
        checked, state = _seen
        if now - checked >= CHECK_SECONDS:
            try:
                state = maintenance_read()
            except Exception:  # the cache does not answer: keep what was seen, look again later
                logger.warning("maintenance: the cache did not answer")
            _seen = (time.monotonic(), state)
    return state


def _forget() -> None:
    global _seen
    _seen = (-CHECK_SECONDS, None)
