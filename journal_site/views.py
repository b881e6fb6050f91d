"""Error views: our own pages in the user's language, JSON under /api/.

They render without the session or the database, since a 500 or 503 is often
caused by one of them being down.
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

try:
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover - psycopg is always installed, but SQLite needs no pool
    PoolTimeout = OperationalError

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 5


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_page(status: int, context: dict | None = None) -> HttpResponse:
    """Our page for an error status (templates/errors/<status>.html), in the active language.

    Rendered without the request: no session, user or database is touched.
    """
    body = loader.render_to_string(f"errors/{status}.html", context or {})
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def error_response(request: HttpRequest, status: int, detail: str, context: dict | None = None) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": detail}, status=status)
    return error_page(status, context)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400, _("Bad request."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403, _("You do not have permission to perform this action."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404, _("Not found."))


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with Retry-After when the database is unreachable: the request failed cleanly."""
    exc = sys.exc_info()[1]
    if isinstance(exc, UNAVAILABLE_ERRORS) or (
        isinstance(exc, DatabaseError) and isinstance(exc.__cause__, UNAVAILABLE_ERRORS)
    ):
        response = error_response(request, 503, _("The service is temporarily unavailable. Please try again."))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return error_response(request, 500, _("Something went wrong on our side."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(request, 403, _("CSRF verification failed. Reload the page and try again."))
