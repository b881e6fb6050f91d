"""Project-wide middleware, one module per concern.

In their order in settings.MIDDLEWARE:

- health: HealthCheckMiddleware answers the liveness probe before anything else runs.
- metrics: RequestMetricsMiddleware times and counts every other request.
- body_size: BodySizeLimitMiddleware refuses an oversized body with 413
  before anything reads it.
- text_encoding: RequireUtf8TextMiddleware refuses a query string or form
  body that is not UTF-8 text or holds a NUL character with 400.
- gzip: MinimumSizeGZipMiddleware compresses responses of 1,000 bytes and more.
- ratelimit: RateLimitMiddleware and its counter run after the session is
  known, so a signed-in user is counted as themselves and a visitor by address.
- private_headers: PrivateResponseHeadersMiddleware keeps every signed-in
  response out of shared and browser caches.

common holds what several of them share.
"""
