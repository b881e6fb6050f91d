"""Query strings and form bodies must be UTF-8 text without NUL (docs/limits.md)."""

from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from journal_site.views import error_response


class RequireUtf8TextMiddleware:
    """Refuse with 400 a query string or form body that is not UTF-8 text or holds a NUL.

    Django would read invalid bytes as U+FFFD and store them so, and a NUL
    cannot be stored in PostgreSQL's text at all: both are refused here,
    once for every view. (JSON bodies are checked by our JSON parser;
    multipart uploads by the importer that reads them.) It runs right after
    BodySizeLimitMiddleware, so a body is only read once it is known to fit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.is_text(request):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def is_text(request: HttpRequest) -> bool:
        """Whether the query string and a form body decode to UTF-8 text without NUL."""
        if not _is_text(get_bytes_from_wsgi(request.META, "QUERY_STRING", "")):
            return False
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/x-www-form-urlencoded") and request.method not in ("GET", "HEAD"):
            return _is_text(request.body)
        return True

    def refuse(self, request: HttpRequest) -> HttpResponse:
        # LocaleMiddleware has not run yet: pick the language here.
        with translation.override(translation.get_language_from_request(request)):
            message = _("The request is not valid UTF-8 text or holds a NUL character.")
            return error_response(request, 400, message)


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
