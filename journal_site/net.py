"""Who is asking: the client's address, believed from X-Forwarded-For only via trusted proxies."""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=32)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Parse addresses and CIDR ranges once; a bad entry is skipped rather than trusted."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def address_in(address: str, entries: Iterable[str]) -> bool:
    """Is the address one of the entries (single addresses or CIDR ranges)?"""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(entries)))


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent the request.

    REMOTE_ADDR is the peer of this process. Only when that peer is one of
    settings.TRUSTED_PROXIES is X-Forwarded-For read, from the right: each
    trusted hop is skipped and the first address not trusted is the client.
    A header forged by the client sits to the left of the address our proxy
    appended, so it is never reached.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = settings.TRUSTED_PROXIES
    if not trusted or not address_in(remote, trusted):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not address_in(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                # Garbage from a hop we cannot vouch for: count it as the proxy's.
                return remote
    return hops[0] if hops else remote


def address_bucket(address: str) -> str:
    """What a per-address limit counts: an IPv4 address, or the whole /64 of an IPv6 one.

    One subscriber is routinely handed a /64 (or more) and can rotate through
    its addresses at will, so counting single IPv6 addresses would multiply
    every limit by 2**64. An IPv4-mapped IPv6 address counts as its IPv4 one.
    """
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address) + "/64"
    return str(ip)
