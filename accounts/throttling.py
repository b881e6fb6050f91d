"""Sign-in throttling, counted in the shared cache so it holds across workers and machines.

After `limit` failures for one key within the window, that key is locked for
the window: attempts are refused before any password is checked. Keys are the
account the typed username or email names (its username and its email share
one count), a hash of the typed name when no account has it (never the text
itself), and the client address (a whole /64 for IPv6, which one machine can
rotate through freely).

A browser the account has fully signed in on before carries a signed
known-device cookie for that account. Its attempts are counted per device
instead of against the account, so a stranger's wrong guesses, which lock the
account everywhere else, cannot lock its owner out of their own browser (the
device cookies of OWASP's guidance on sign-in throttling).
The numbers are in docs/limits.md.
"""

import hashlib
import math
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
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
DEVICE = Rule("device", 5)
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


DEVICE_COOKIE = "journal_device"
DEVICE_SALT = "accounts.known-device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def known_device(request: HttpRequest | None, user_id: int | None) -> str | None:
    """The id of the known-device cookie `user_id` got on this browser at a sign-in; None otherwise."""
    raw = request.COOKIES.get(DEVICE_COOKIE) if request is not None and user_id is not None else None
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user_id or not isinstance(data.get("d"), str):
        return None
    return data["d"]


def device_remember(response: HttpResponse, *, user_id: int) -> HttpResponse:
    """Mark this browser as one `user_id` signed in on (after the password and any second step)."""
    value = signing.dumps({"u": user_id, "d": secrets.token_urlsafe(12)}, salt=DEVICE_SALT)
    response.set_cookie(
        DEVICE_COOKIE, value, max_age=DEVICE_MAX_AGE, httponly=True, secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


def account_checks(*, request: HttpRequest | None, user_id: int) -> list[tuple[Rule, str]]:
    """The locks a password check of this account counts toward: its known device's, else the account's."""
    device = known_device(request, user_id)
    checks = [(DEVICE, device) if device else (NAME, user_key(user_id))]
    if request is not None:
        checks.append((ADDRESS, address_key(client_ip(request))))
    return checks


def signin_checks(*, request: HttpRequest, identifier: str) -> list[tuple[Rule, str]]:
    """One bucket per account, whichever name (username or email, any case) is typed for it, and the address.

    A name that matches no account gets a bucket of its own, counted and
    locked exactly alike, so the answers do not tell which names exist.
    """
    user_id = user_id_for_identifier(identifier)
    if user_id is None:
        return [(NAME, name_key(identifier)), (ADDRESS, address_key(client_ip(request)))]
    return account_checks(request=request, user_id=user_id)


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
