"""The request body size limit: 413 before the body is read (docs/limits.md)."""

import re
import tempfile

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journal_site.metrics import REQUEST_BODY_TOO_LARGE
from journal_site.middleware.common import route_path, wants_json
from journal_site.views import error_page

# The import upload (from the API and from the settings page) and the photo upload (from the API and
# from the entry page) have their own larger limits; every other route keeps MAX_BODY_BYTES.
IMPORT_ROUTES = ("insights-api-import", "portability:import")
PHOTO_ROUTES = ("api-entry-attachments", "diary:photo_add")
# A photo's multipart envelope: the boundaries, the headers and the caption.
PHOTO_ENVELOPE_BYTES = 64 * 1024
_SOME_ID = 987654321


def _photo_paths() -> re.Pattern:
    """The photo upload routes take an entry's id: a pattern made from each route's own path (once per
    process); a site without them (a test's URLconf) has none."""
    patterns = []
    for name in PHOTO_ROUTES:
        try:
            path = route_path(name, args=[_SOME_ID])
        except NoReverseMatch:
            continue
        patterns.append(re.escape(path).replace(str(_SOME_ID), "[0-9]{1,18}"))
    return re.compile("|".join(patterns)) if patterns else re.compile(r"(?!)")


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
        self.import_paths = None
        self.photo_paths = None

    def limit_for(self, request: HttpRequest) -> int:
        if self.import_paths is None:
            self.import_paths = frozenset(route_path(name) for name in IMPORT_ROUTES)
        if request.path_info in self.import_paths:
            return settings.IMPORT_MAX_BYTES
        if request.method != "POST":
            return settings.MAX_BODY_BYTES
        if self.photo_paths is None:
            self.photo_paths = _photo_paths()
        if self.photo_paths.fullmatch(request.path_info):
            return settings.PHOTO_MAX_BYTES + PHOTO_ENVELOPE_BYTES
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
        response = self.get_response(request)
        if spooled is not None:
            response._resource_closers.append(spooled.close)
        return response

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
            if wants_json(request):
                message = _("The request is too large. The limit is %(size)s.") % {"size": size}
                return JsonResponse({"detail": message}, status=413)
            return error_page(413, {"size": size})


def _format_bytes(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return _("%(n)d MB") % {"n": size // (1024 * 1024)}
    if size >= 1024 and size % 1024 == 0:
        return _("%(n)d KB") % {"n": size // 1024}
    return ngettext("%(n)d byte", "%(n)d bytes", size) % {"n": size}
