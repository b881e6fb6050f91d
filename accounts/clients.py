"""Who signed in from where, said briefly: a user-agent summary and the address cut to its network.

The place is the address truncated to its /24 (IPv4) or /48 (IPv6): enough for
a person to tell their home from somewhere else, without a GeoIP database or a
network lookup, and without keeping the exact address. See
docs/account-protection.md.
"""

import ipaddress
import re

from django.http import HttpRequest

from journal_site.net import client_ip

AGENT_MAX = 120

# Checked in order: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = [
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"OPR/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/")),
]
_SYSTEMS = [
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
]


def agent_summary(user_agent: str) -> str:
    """ "Firefox 128 on Linux", or the start of an agent we do not know (an API client's own name)."""
    user_agent = user_agent or ""
    browser = next(
        (f"{name} {match.group(1)}" for name, pattern in _BROWSERS if (match := pattern.search(user_agent))), None
    )
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), None)
    if browser and system:
        return f"{browser} / {system}"
    if browser or system:
        return browser or system or ""
    printable = "".join(ch for ch in user_agent if ch.isprintable())
    return printable.strip()[:AGENT_MAX]


def address_place(address: str) -> str:
    """The network an address belongs to: `203.0.113.0/24` or `2001:db8:1::/48`; empty when unknown."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def request_agent(request: HttpRequest | None) -> str:
    return agent_summary(request.META.get("HTTP_USER_AGENT", "")) if request is not None else ""


def request_place(request: HttpRequest | None) -> str:
    return address_place(client_ip(request)) if request is not None else ""
