"""Signed-in responses stay out of every cache."""

from django.http import HttpRequest, HttpResponse


class PrivateResponseHeadersMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user.

    Those pages and answers carry diary and conversation text; no browser
    history cache or shared proxy may keep them. A request that carries
    credentials (a JWT) counts as signed in even before DRF has looked.

    A photo's file is the one exception (diary.views_photos): its address names its content, so it
    says `private, immutable` itself, and signing out clears it from the browser (Clear-Site-Data).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or "HTTP_AUTHORIZATION" in request.META) and not getattr(response, "private_cacheable", False):
            response["Cache-Control"] = "private, no-store"
        return response
