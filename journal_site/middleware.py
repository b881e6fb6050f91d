"""Project-wide middleware: request limits, compression, response headers.

Each class is registered in settings.MIDDLEWARE in its place:

- BodySizeLimitMiddleware runs before anything reads the body and refuses an
  oversized one with 413 without reading it, and a query string or form body
  that is not UTF-8 text or holds a NUL character with 400.
- RateLimitMiddleware runs after the session user is known, so a signed-in
  user is counted as themselves and a visitor by address.
- MinimumSizeGZipMiddleware compresses responses of 1,000 bytes and more.
- PrivateResponseHeadersMiddleware keeps every signed-in response out of
  shared and browser caches.
"""

import logging
import tempfile
import time
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.handlers.wsgi import LimitedStream, get_bytes_from_wsgi
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journal_site import prefetch, ratelimit
from journal_site.metrics import RATE_LIMITED, REQUEST_BODY_TOO_LARGE, REQUEST_DURATION, REQUESTS
from journal_site.net import client_ip
from journal_site.views import error_page, error_response

logger = logging.getLogger(__name__)

# The import upload, from the API and from the settings page, has its own larger limit.
IMPORT_PATHS = frozenset({"/api/v1/import/", "/settings/import/"})
# Health probes and scrapes come every few seconds from the same address, and
# static files are many per page: none of them may eat a person's allowance.
RATE_LIMIT_EXEMPT_PATHS = ("/healthz", "/readyz", "/metrics")


class HealthCheckMiddleware:
    """Answer the liveness probe first, before any other middleware runs.

    /healthz says only that this process serves: it touches no service and
    needs no session, language or limit, so it costs what a bare Django view
    costs. It carries the site's security headers, built once, and is not
    counted in the request metrics (probes every few seconds would drown them).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None
        self.headers = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.path is None:
            self.path = reverse("healthz")
        if request.path_info == self.path and request.method in ("GET", "HEAD"):
            return self.healthz()
        return self.get_response(request)

    def healthz(self) -> HttpResponse:
        if self.headers is None:
            from csp.utils import build_policy

            self.headers = {
                "Content-Security-Policy": build_policy(),
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
                "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
                "X-Frame-Options": settings.X_FRAME_OPTIONS,
                "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
            }
        return HttpResponse(b'{"status": "ok"}', content_type="application/json", headers=self.headers)


class RequestMetricsMiddleware:
    """http_request_duration_seconds{method, endpoint} and http_requests_total{method, endpoint, status}.

    Two metric writes a request (docs/metrics.md). `endpoint` is the route's
    name, never the path, so ids and secrets in URLs never become labels, and
    unknown methods share one label so a client cannot mint new series.
    """

    METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        endpoint = (match.view_name or "unnamed") if match is not None else "unmatched"
        method = request.method if request.method in self.METHODS else "other"
        REQUEST_DURATION.labels(method, endpoint).observe(time.perf_counter() - started)
        REQUESTS.labels(method, endpoint, str(response.status_code)).inc()
        return response


def _wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class BodySizeLimitMiddleware:
    """Refuse a request body over the limit with 413 before reading it.

    With a Content-Length the decision needs no reading at all. A chunked
    body has no length up front: it is copied into a spooled temporary file
    (memory up to the limit, never more) until it ends or passes the limit,
    and then handed to Django with a Content-Length, so forms and DRF parse
    it as usual.
    """

    read_chunk_bytes = 64 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def limit_for(request: HttpRequest) -> int:
        if request.path_info in IMPORT_PATHS:
            return settings.IMPORT_MAX_BYTES
        return settings.MAX_BODY_BYTES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = self.limit_for(request)
        declared = request.META.get("CONTENT_LENGTH")
        spooled = None
        if declared:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False  # Django reads such a body as empty
            if too_large:
                return self.refuse(request, limit)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            spooled = self.spool(request, limit)
            if spooled is None:
                return self.refuse(request, limit)
        if not self.is_text(request):
            if spooled is not None:
                spooled.close()
            return self.refuse_malformed(request)
        response = self.get_response(request)
        if spooled is not None:
            response._resource_closers.append(spooled.close)
        return response

    @staticmethod
    def is_text(request: HttpRequest) -> bool:
        """Whether the query string and a form body decode to UTF-8 text without NUL.

        Django would read invalid bytes as U+FFFD and store them so, and a NUL
        cannot be stored in PostgreSQL's text at all: both are refused here,
        once for every view. (JSON bodies are checked by our JSON parser;
        multipart uploads by the importer that reads them.)
        """
        if not _is_text(get_bytes_from_wsgi(request.META, "QUERY_STRING", "")):
            return False
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/x-www-form-urlencoded") and request.method not in ("GET", "HEAD"):
            return _is_text(request.body)
        return True

    def refuse_malformed(self, request: HttpRequest) -> HttpResponse:
        with translation.override(translation.get_language_from_request(request)):
            message = _("The request is not valid UTF-8 text or holds a NUL character.")
            return error_response(request, 400, message)

    def spool(self, request: HttpRequest, limit: int):
        """Copy a chunked body aside; None once it passes the limit."""
        source = request.META["wsgi.input"]
        spooled = tempfile.SpooledTemporaryFile(max_size=min(limit, settings.MAX_BODY_BYTES))  # noqa: SIM115
        size = 0
        while True:
            chunk = source.read(min(self.read_chunk_bytes, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                spooled.close()
                return None
            spooled.write(chunk)
        spooled.seek(0)
        request.META["CONTENT_LENGTH"] = str(size)
        request._stream = LimitedStream(spooled, size)
        return spooled

    def refuse(self, request: HttpRequest, limit: int) -> HttpResponse:
        REQUEST_BODY_TOO_LARGE.inc()
        # LocaleMiddleware has not run yet: pick the language here.
        with translation.override(translation.get_language_from_request(request)):
            size = _format_bytes(limit)
            if _wants_json(request):
                message = _("The request is too large. The limit is %(size)s.") % {"size": size}
                return JsonResponse({"detail": message}, status=413)
            return error_page(413, {"size": size})


def _is_text(encoded: bytes) -> bool:
    """A query string or form body, percent-decoded: valid UTF-8 and no NUL."""
    if not encoded:
        return True
    raw = unquote_to_bytes(encoded.replace(b"+", b" "))
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _format_bytes(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return _("%(n)d MB") % {"n": size // (1024 * 1024)}
    if size >= 1024 and size % 1024 == 0:
        return _("%(n)d KB") % {"n": size // 1024}
    return ngettext("%(n)d byte", "%(n)d bytes", size) % {"n": size}


def _bearer_user_id(request: HttpRequest) -> str | None:
    """The user id of a valid access token, without touching the database.

    DRF authenticates JWT users later, inside the view; the limiter needs to
    know them now. Checking the signature and expiry is a few microseconds; a
    bad token yields None and the client is counted by address (and DRF
    answers 401).
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, raw = header.partition(" ")
    if scheme != "Bearer" or not raw.strip():
        return None
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.tokens import AccessToken

    try:
        token = AccessToken(raw.strip())
    except TokenError:
        return None
    # DRF's authentication reuses the checked token instead of checking it again.
    request.checked_bearer_token = (raw.strip().encode("iso-8859-1"), token)
    user_id = token.payload.get(api_settings.USER_ID_CLAIM)
    return None if user_id is None else str(user_id)


def _session_user_id(request: HttpRequest) -> str | None:
    """The user id the session names, read before the user is loaded.

    Whether that user still exists and may sign in is checked by the
    authentication middleware right after; for counting, the claim suffices.
    """
    session = getattr(request, "session", None)
    if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    user_id = session.get(SESSION_KEY)
    return None if user_id is None else str(user_id)


def rate_limit_identity(request: HttpRequest) -> str:
    """Whom a request counts against: the signed-in user, else the client address."""
    user_id = _session_user_id(request) or _bearer_user_id(request)
    if user_id is not None:
        return f"user:{user_id}"
    return f"ip:{client_ip(request)}"


class RateLimitMiddleware:
    """settings.RATE_LIMIT_PER_MINUTE requests per client and minute; 429 with Retry-After beyond."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def is_exempt(path: str) -> bool:
        return path.startswith(settings.STATIC_URL) or path.rstrip("/") in RATE_LIMIT_EXEMPT_PATHS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.is_exempt(request.path_info):
            return self.get_response(request)
        identity = rate_limit_identity(request)
        kind, _sep, user_id = identity.partition(":")
        fetch = prefetch.user_keys(int(user_id)) if kind == "user" and user_id.isdigit() else ()
        decision = ratelimit.hit(identity, fetch=fetch)
        if decision.allowed:
            token = prefetch.begin(decision.fetched)
            try:
                return self.get_response(request)
            finally:
                prefetch.end(token)
        RATE_LIMITED.labels(scope=identity.split(":", 1)[0]).inc()
        if _wants_json(request):
            response = JsonResponse({"detail": _("Too many requests. Please wait a minute and try again.")}, status=429)
        else:
            response = error_page(429, {"retry_after": decision.retry_after})
        response["Retry-After"] = str(decision.retry_after)
        return response


class MinimumSizeGZipMiddleware(GZipMiddleware):
    """Django's gzip, but only for bodies of `minimum_size` bytes or more.

    Below a kilobyte the gzip header and the CPU cost outweigh the bytes
    saved (docs/limits.md).
    """

    minimum_size = 1000

    def process_response(self, request, response):
        if not response.streaming and len(response.content) < self.minimum_size:
            return response
        return super().process_response(request, response)


class PrivateResponseHeadersMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user.

    Those pages and answers carry diary and conversation text; no browser
    history cache or shared proxy may keep them. A request that carries
    credentials (a JWT) counts as signed in even before DRF has looked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or "HTTP_AUTHORIZATION" in request.META:
            response["Cache-Control"] = "private, no-store"
        return response
