"""Compression of responses large enough to gain from it (docs/limits.md)."""

from django.middleware.gzip import GZipMiddleware


class MinimumSizeGZipMiddleware(GZipMiddleware):
    """Django's gzip, but only for bodies of `minimum_size` bytes or more.

    Below a kilobyte the gzip header and the CPU cost outweigh the bytes
    saved (docs/limits.md).
    """

    minimum_size = 1000

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("image/"):
            return response  # already compressed; gzip would only cost time and the Content-Length
        if not response.streaming and len(response.content) < self.minimum_size:
            return response
        return super().process_response(request, response)
