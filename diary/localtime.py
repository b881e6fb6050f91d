"""The signed-in user's time zone, for everything that depends on "today"."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.timezones import user_zone


def in_user_timezone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a page view in the signed-in user's time zone.

    Forms then read a typed date and time as the user's local time, and
    templates show dates in it, whatever the middleware activated before.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with timezone.override(user_zone(request.user)):
            return view(request, *args, **kwargs)

    return wrapper
