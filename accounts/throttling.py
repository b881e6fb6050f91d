"""Sign-in throttling, counted in the shared cache so it holds across workers and machines.

After `limit` failures for one key within the window, that key is locked for
the window: attempts are refused before any password is checked. Keys are the
account the typed username or email names (its username and its email share
one count), a hash of the typed name when no account has it (never the text
itself), and the client address (a whole /64 for IPv6, which one machine can
rotate through freely).
The numbers are in docs/limits.md.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from accounts import usernames
from accounts.selectors import user_id_for_identifier
from journal_site import net

WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class Rule:
    kind: str
    limit: int


NAME = Rule("name", 5)
ADDRESS = Rule("ip", 20)
RESET_ADDRESS = Rule("reset-ip", 5)
# Sign-up says whether an email already has an account (a bare install needs
# no confirmation email), so attempts are counted per address to keep that
# answer from being harvested at scale.
SIGNUP_ADDRESS = Rule("signup-ip", 10)


def client_ip(request: HttpRequest) -> str:
    """The client's address; X-Forwarded-For is believed only as far as it passes trusted proxies."""
    return net.client_ip(request) or "unknown"


def address_key(address: str) -> str:
    return net.address_bucket(address)


def account_key(identifier: str) -> str:
    """One bucket per account, whichever name (username or email, any case) is typed for it.

    A name that matches no account gets a bucket of its own, counted and
    locked exactly alike, so the answers do not tell which names exist.
    """
    user_id = user_id_for_identifier(identifier)
    return user_key(user_id) if user_id is not None else name_key(identifier)


def user_key(user_id: int) -> str:
    return f"user-{user_id}"


def name_key(identifier: str) -> str:
    normalized = usernames.key(identifier)
    return hashlib.sha256(normalized.encode()).hexdigest()[:32]


def _count_key(rule: Rule, value: str) -> str:
    return f"throttle:{rule.kind}:count:{value}"


def _lock_key(rule: Rule, value: str) -> str:
    return f"throttle:{rule.kind}:lock:{value}"


def locked_for(checks: list[tuple[Rule, str]]) -> int:
    """Seconds until every given key may try again; 0 when none is locked."""
    keys = [_lock_key(rule, value) for rule, value in checks]
    until = max(cache.get_many(keys).values(), default=0)
    return max(0, math.ceil(until - time.time()))


def record_failure(checks: list[tuple[Rule, str]]) -> None:
    for rule, value in checks:
        count_key = _count_key(rule, value)
        # The window starts at the first failure; incr keeps the key's expiry.
        cache.add(count_key, 0, WINDOW_SECONDS)
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, WINDOW_SECONDS)
            count = 1
        if count is None:  # the cache is unreachable: sign-in stays possible, unthrottled
            continue
        if count >= rule.limit:
            cache.set(_lock_key(rule, value), time.time() + WINDOW_SECONDS, WINDOW_SECONDS)
            cache.delete(count_key)


def clear(checks: list[tuple[Rule, str]]) -> None:
    cache.delete_many([_count_key(rule, value) for rule, value in checks])


def signin_checks(*, request: HttpRequest, identifier: str) -> list[tuple[Rule, str]]:
    return [(NAME, account_key(identifier)), (ADDRESS, address_key(client_ip(request)))]


def attempt(checks: list[tuple[Rule, str]]) -> int:
    """Count an attempt that is limited whatever its outcome; seconds to wait when refused, else 0."""
    wait = locked_for(checks)
    if not wait:
        record_failure(checks)
    return wait


def signup_checks(*, request: HttpRequest) -> list[tuple[Rule, str]]:
    return [(SIGNUP_ADDRESS, address_key(client_ip(request)))]


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def signin_refusal(wait_seconds: int) -> str:
    """What a throttled sign-in is told, on the pages and in the API alike."""
    count = minutes(wait_seconds)
    return ngettext(
        "Too many failed attempts. Try again in %(minutes)d minute.",
        "Too many failed attempts. Try again in %(minutes)d minutes.",
        count,
    ) % {"minutes": count}


def reset_refusal(wait_seconds: int) -> str:
    """What a throttled password-reset request is told."""
    count = minutes(wait_seconds)
    return ngettext(
        "Too many requests. Try again in %(minutes)d minute.",
        "Too many requests. Try again in %(minutes)d minutes.",
        count,
    ) % {"minutes": count}


def signup_refusal(wait_seconds: int) -> str:
    """What a throttled sign-up is told: the same words as a throttled reset."""
    return reset_refusal(wait_seconds)
