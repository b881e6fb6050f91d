"""Sign-in throttling, counted in the shared cache so it holds across workers and machines.

After `limit` failures for one key within the window, that key is locked for
the window: attempts are refused before any password is checked. Keys are a
hash of the typed username or email (never the text itself) and the client
address (a whole /64 for IPv6, which one machine can rotate through freely).
The numbers are in docs/limits.md.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class Rule:
    kind: str
    limit: int


NAME = Rule("name", 5)
ADDRESS = Rule("ip", 20)
RESET_ADDRESS = Rule("reset-ip", 5)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for proxy in settings.TRUSTED_PROXIES:
        try:
            if ip in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request: HttpRequest) -> str:
    """The client's address; X-Forwarded-For is believed only as far as it passes trusted proxies."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not _trusted(address):
        return address
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for hop in reversed(forwarded):
        if not _trusted(hop):
            return hop
        address = hop
    return address


def address_key(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def name_key(identifier: str) -> str:
    normalized = identifier.strip().lower()
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
    return [(NAME, name_key(identifier)), (ADDRESS, address_key(client_ip(request)))]


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
