"""The signed-in user's time zone, for everything that depends on "today"."""

import zoneinfo
from collections.abc import Callable
from datetime import date, tzinfo
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


def user_timezone(user) -> tzinfo:
    """The user's time zone; UTC when it is unset or unknown (never an error)."""
    name = getattr(user, "timezone", None) or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def user_today(user) -> date:
    return timezone.localdate(timezone.now(), user_timezone(user))


def in_user_timezone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a page view in the signed-in user's time zone.

    Forms then read a typed date and time as the user's local time, and
    templates show dates in it, whatever the middleware activated before.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with timezone.override(user_timezone(request.user)):
            return view(request, *args, **kwargs)

    return wrapper
