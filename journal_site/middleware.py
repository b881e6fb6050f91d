"""Project-wide middleware: request limits, compression, response headers.

Placeholders until the operations work fills them in; each is registered in
settings.MIDDLEWARE already, in its final position.
"""

from django.middleware.gzip import GZipMiddleware


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class MinimumSizeGZipMiddleware(GZipMiddleware):
    pass


class PrivateResponseHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
