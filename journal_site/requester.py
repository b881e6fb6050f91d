"""Whom a request comes from, known before authentication runs (docs/limits.md, "Who is counted").

The rate limiter counts a request against the signed-in user, else the
client's address, and it runs before the user is loaded. This module reads the
user id from the session (the id it names) or from a bearer access token
(signature and expiry checked, no database), else the address.

A checked bearer token is kept for the rest of the same request, so the API's
authentication does not check its signature a second time. The contract
(journal_site/tests/test_requester.py):

- `requester_identity(request)` checks an `Authorization: Bearer` token at
  most once and keeps it on that request object only;
- `bearer_token_checked(request, raw)` gives it back only for the very same
  raw token, else None (and the caller checks the token itself);
- a token that fails the check is not kept: the request is counted by address,
  and the authentication class answers 401 as it would anyway.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest

from journal_site.net import address_bucket, client_ip

_KEPT = "_journal_checked_bearer_token"


def _session_user_id(request: HttpRequest) -> str | None:
    """The user id the session names; whether that user may still sign in is checked right after."""
    session = getattr(request, "session", None)
    if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    user_id = session.get(SESSION_KEY)
    return None if user_id is None else str(user_id)


def _bearer_user_id(request: HttpRequest) -> str | None:
    """The user id of a valid access token (a few microseconds, no database); None for none or a bad one."""
    scheme, _sep, raw = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    raw = raw.strip()
    if scheme != "Bearer" or not raw:
        return None
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.tokens import AccessToken

    try:
        token = AccessToken(raw)
    except TokenError:
        return None
    setattr(request, _KEPT, (raw.encode("iso-8859-1"), token))
    user_id = token.payload.get(api_settings.USER_ID_CLAIM)
    return None if user_id is None else str(user_id)


def requester_identity(request: HttpRequest) -> str:
    """`user:<id>` for a signed-in request, else `ip:<address>` (IPv6 by /64)."""
    user_id = _session_user_id(request) or _bearer_user_id(request)
    if user_id is not None:
        return f"user:{user_id}"
    return f"ip:{address_bucket(client_ip(request))}"


def bearer_token_checked(request: HttpRequest, raw: bytes):
    """The access token `requester_identity` checked for this request, if `raw` is that same token."""
    kept = getattr(request, _KEPT, None)
    if kept is not None and kept[0] == raw:
        return kept[1]
    return None
