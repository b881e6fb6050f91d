"""Error views: our own pages in the user's language, JSON under /api/.

They render without the session or the database, since a 500 or 503 is often
caused by one of them being down.
"""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

try:
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover - psycopg is always installed, but SQLite needs no pool
    PoolTimeout = OperationalError

logger = logging.getLogger(__name__)

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
    """The user sees a friendly page; the operator's log names the cause (docs/operations.md, CSRF).

    Behind a proxy most failures are configuration: a Host header without its
    port or a missing X-Forwarded-Proto makes the browser's Origin look
    foreign. The log line carries what decides that check (Origin, Host, the
    scheme Django saw) and the route, never the body or the path itself (a
    password-reset path holds a token).
    """
    match = getattr(request, "resolver_match", None)
    logger.warning(
        "CSRF verification failed: %s",
        reason,
        extra={
            "reason": reason,
            "method": request.method,
            "route": match.route if match is not None else None,
            "origin": request.META.get("HTTP_ORIGIN"),
            "host": request.META.get("HTTP_HOST"),
            "scheme": request.scheme,
            "referer_present": "HTTP_REFERER" in request.META,
        },
    )
    return error_response(request, 403, _("CSRF verification failed. Reload the page and try again."))
