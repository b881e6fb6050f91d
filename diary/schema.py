"""How the API's bearer tokens appear in the OpenAPI schema.

The entries API is the first to use the JWT authentication class, so the
schema needs to know it; the scheme is the standard bearer JWT one. Defining
it twice (here and next to the class) is harmless: the schema takes one.
"""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class CachedJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.CachedJWTAuthentication"
    match_subclasses = True
