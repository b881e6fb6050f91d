"""Photos on the pages: adding them from the editor, captions, order, removal, and the files themselves.

The files are answered here for the pages and the API alike (a session or a bearer token), after the owner
check; docs/photos.md has the headers and why a browser may keep what they answer.
"""

from collections.abc import Generator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diary import attachments, selectors
from diary.attachments import STORE_UNAVAILABLE_MESSAGE, QuotaExceeded, attachment_data, quota_message
from diary.images import EXTENSIONS, PhotoRefused
from diary.localtime import in_user_timezone
from journal_site.blobs import StoreUnavailable

STORE_UNAVAILABLE_READ = gettext_lazy("The photo cannot be read from the store just now. Please try again in a minute.")
# A photo's URL names its content (the digest), so what it answers never changes: a browser may keep it
# for a year, privately; signing out clears the site's cache (Clear-Site-Data).
CACHE_FOREVER = "private, max-age=31536000, immutable"


class _WhateverIsAccepted(BaseContentNegotiation):
    """A photo is an image whatever the client's Accept says (an image loader asks for `image/*` alone);
    the JSON renderer only writes this route's errors."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PhotoFileView(APIView):
    """One file of a photo: the original, or a thumbnail (320 or 1280 px) once it is made."""

    # Not in the API schema: it answers image bytes, and clients take its address from `attachments`.
    schema = None
    content_negotiation_class = _WhateverIsAccepted

    def get(self, request: Request, attachment_id: int, digest: str, variant: str) -> HttpResponse:
        attachment = attachments.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
        if digest != attachment.digest:
            raise Http404
        chunks = attachments.attachment_bytes(attachment=attachment, variant=variant)
        # The first chunk is read before the answer starts: a file the store lost, or one that does not
        # open (changed, swapped), fails the request with a 500 instead of a 200 cut short.
        try:
            first = next(chunks, b"")
        except StoreUnavailable:
            return Response({"detail": str(STORE_UNAVAILABLE_READ), "code": "store_unavailable"},
                            status=503, headers={"Retry-After": "60"})
        if variant == "original":
            content_type = attachment.content_type
            filename = f"photo-{attachment.pk}.{EXTENSIONS.get(content_type, 'bin')}"
            length = attachment.byte_size
        else:
            content_type, filename, length = "image/webp", f"photo-{attachment.pk}-{variant}.webp", None
        response = StreamingHttpResponse(_after(first, chunks), content_type=content_type)
        if length is not None:
            response["Content-Length"] = str(length)
        disposition = "attachment" if request.query_params.get("download") == "1" else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        response["Cache-Control"] = CACHE_FOREVER
        response["X-Content-Type-Options"] = "nosniff"
        # Kept by the browser, never rewritten below: PrivateResponseHeadersMiddleware leaves it be.
        response.private_cacheable = True
        return response


def _after(first: bytes, rest: Generator[bytes, None, None]) -> Generator[bytes, None, None]:
    """`first`, then `rest`; closing it closes `rest` (the stored file) too, as the response does at its end."""
    try:
        yield first
        yield from rest
    finally:
        rest.close()


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _editor_url(entry_id: int) -> str:
    return reverse("diary:edit", args=[entry_id]) + "#photos"


@login_required
@in_user_timezone
@require_POST
def photo_add(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Add the photos chosen in the editor (one request a photo from the page's script, any number without)."""
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
    files = request.FILES.getlist("file")
    caption = request.POST.get("caption", "")
    if not files:
        message = _("Choose a photo first.")
        if _wants_json(request):
            return JsonResponse({"file": [message]}, status=400)
        messages.error(request, message)
        return redirect(_editor_url(entry.pk))
    added = []
    for upload in files:
        try:
            added.append(attachments.attachment_create(entry=entry, source=upload, caption=caption))
        except PhotoRefused as refusal:
            return _refused(request, entry.pk, {"file": [str(refusal.message)]}, status=400, added=added)
        except QuotaExceeded as error:
            return _refused(request, entry.pk, {"detail": quota_message(error)}, status=403, added=added)
        except StoreUnavailable:
            unavailable = {"detail": str(STORE_UNAVAILABLE_MESSAGE), "code": "store_unavailable"}
            refused = _refused(request, entry.pk, unavailable, status=503, added=added)
            refused["Retry-After"] = "60"
            return refused
        except ValidationError as error:
            return _refused(request, entry.pk, error.message_dict, status=400, added=added)
    if _wants_json(request):
        return JsonResponse({"attachments": [attachment_data(row) for row in added]}, status=201)
    messages.success(request, _("Photo added.") if len(added) == 1 else _("Photos added."))
    return redirect(_editor_url(entry.pk))


def _refused(request: HttpRequest, entry_id: int, errors: dict, *, status: int, added: list) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(errors, status=status)
    if added:
        messages.success(request, _("Photo added.") if len(added) == 1 else _("Photos added."))
    for name, value in errors.items():
        if name == "code":
            continue  # for scripts; the page says it in words
        for message in value if isinstance(value, list) else [value]:
            messages.error(request, message)
    return redirect(_editor_url(entry_id))


@login_required
@require_POST
def photo_change(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """The editor's buttons for one photo: save its caption, move it earlier or later, or remove it."""
    attachment = attachments.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    action = request.POST.get("action", "")
    try:
        if action == "caption":
            attachments.attachment_update(attachment=attachment, caption=request.POST.get("caption", ""))
            messages.success(request, _("Caption saved."))
        elif action in ("earlier", "later"):
            attachments.attachment_move(attachment=attachment, step=-1 if action == "earlier" else 1)
        elif action == "delete":
            attachments.attachment_delete(attachment=attachment)
            messages.success(request, _("Photo removed."))
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        for value in error.message_dict.values():
            for message in value:
                messages.error(request, message)
    return redirect(_editor_url(attachment.entry_id))
