"""The one answer to "which time zone is this user in": their own, or UTC."""

import zoneinfo

UTC = zoneinfo.ZoneInfo("UTC")


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone of this IANA name; UTC when it is empty or unknown to this machine (never an error).

    A stored name can stop resolving when the system's zone database drops it.
    """
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def user_zone(user) -> zoneinfo.ZoneInfo:
    """The user's time zone, or UTC."""
    return zone_named(getattr(user, "timezone", None))
