"""Where a user is signed in: browser sessions and API clients, listed and ended by their owner.

A browser sign-in is a row keyed by the SHA-256 of its session key; the key
itself is kept only encrypted (Fernet, with a key derived from SECRET_KEY),
so that signing a browser out can delete its session at once. An API client
is a refresh-token family: every refresh token carries the family id (claim
`fam`) from the sign-in that started it, through every rotation. Presenting a
refresh token that was already rotated away revokes the whole family.

The cost on an ordinary request is nothing: SignInMiddleware remembers in the
process when it last touched a session, and at most once a minute it runs one
UPDATE (which also notices a session signed out elsewhere). See
docs/account-protection.md.
"""

import base64
import hashlib
import logging
import threading
import time
import uuid
from datetime import timedelta
from importlib import import_module

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import activity
from accounts.clients import request_agent, request_place
from accounts.models import ActivityEvent, SignIn, User

logger = logging.getLogger(__name__)

FAMILY_CLAIM = "fam"
TOUCH_SECONDS = 60
MARKER = "_sign_in"  # the session's own row key, to tell "signed out elsewhere" from "key rotated"
LIST_LIMIT = 100
_TOUCH_MEMORY = 10_000

_touched: dict[str, float] = {}
_touched_lock = threading.Lock()


# --- Keys -------------------------------------------------------------------------------------------------


def _key_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def _fernet() -> Fernet:
    digest = salted_hmac("accounts.devices.session-key", "fernet", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _seal(session_key: str) -> str:
    return _fernet().encrypt(session_key.encode()).decode()


def _unseal(secret: str) -> str | None:
    try:
        return _fernet().decrypt(secret.encode()).decode()
    except (InvalidToken, ValueError):  # sealed under an earlier SECRET_KEY
        return None


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _remember_touch(session_key: str) -> None:
    with _touched_lock:
        if len(_touched) >= _TOUCH_MEMORY:
            _touched.clear()
        _touched[session_key] = time.monotonic()


def _touch_due(session_key: str) -> bool:
    last = _touched.get(session_key)
    return last is None or time.monotonic() - last >= TOUCH_SECONDS


# --- Browser sessions -------------------------------------------------------------------------------------


def browser_sign_in_register(*, request: HttpRequest, user: User) -> None:
    """Record the request's session as a signed-in browser (at sign-in, or for a session from before tracking)."""
    session_key = request.session.session_key
    if not session_key:
        request.session.save()
        session_key = request.session.session_key
    key = _key_hash(session_key)
    now = timezone.now()
    row = SignIn(
        user=user,
        kind=SignIn.BROWSER,
        key=key,
        secret=_seal(session_key),
        created_at=now,
        last_used_at=now,
        user_agent=request_agent(request),
        address=request_place(request),
    )
    # A fresh session key has no row yet; should two requests race to add one, the first row stands.
    SignIn.objects.bulk_create([row], ignore_conflicts=True)
    request.session[MARKER] = key
    _remember_touch(session_key)


def _signed_out_here(request: HttpRequest) -> None:
    request.session.flush()
    request.user = AnonymousUser()
    request._cached_user = request.user


def browser_sign_in_touch(request: HttpRequest) -> None:
    """At most once a minute per session and process: move `last_used_at`, or end a session revoked elsewhere."""
    session_key = request.session.session_key
    if not session_key or not _touch_due(session_key):
        return
    _remember_touch(session_key)
    key = _key_hash(session_key)
    if SignIn.objects.filter(key=key).update(last_used_at=timezone.now()):
        return
    marker = request.session.get(MARKER)
    if marker is None:
        # Signed in before sign-ins were tracked: start tracking now.
        browser_sign_in_register(request=request, user=request.user)
        return
    if marker != key and SignIn.objects.filter(key=marker, kind=SignIn.BROWSER).update(
        key=key, secret=_seal(session_key), last_used_at=timezone.now()
    ):
        request.session[MARKER] = key  # the session key was rotated (for instance by a password change)
        return
    _signed_out_here(request)


def _browser_end(row: SignIn) -> None:
    session_key = _unseal(row.secret)
    if session_key:
        _session_store()().delete(session_key)
    # Without the key (SECRET_KEY changed) the session ends at its next touch, within a minute.


class SignInMiddleware:
    """Makes the request known to the activity log and keeps browser sign-ins current (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = activity.request_bind(request)
        try:
            # request.user is already resolved by then (UserPreferencesMiddleware): no extra read.
            if hasattr(request, "session") and request.user.is_authenticated:
                browser_sign_in_touch(request)
            return self.get_response(request)
        finally:
            activity.request_unbind(token)


def _on_logged_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    browser_sign_in_register(request=request, user=user)
    activity.activity_record(user_id=user.pk, kind=ActivityEvent.SIGN_IN, details={"via": "browser"}, request=request)


def _on_logged_out(sender, request, user, **kwargs) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        SignIn.objects.filter(key=_key_hash(session_key)).delete()
    # Not for an account being deleted (its instance has lost its pk): its log goes with it.
    if user is not None and user.is_authenticated and user.pk is not None:
        activity.activity_record(
            user_id=user.pk, kind=ActivityEvent.SIGN_OUT, details={"via": "browser"}, request=request
        )


def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    activity.activity_sign_in_failed(identifier=str(credentials.get("username") or ""), request=request)


# Django's own sign-in hooks see every way in: the sign-in page, the admin's, sign-up, tests' force_login.
user_logged_in.connect(_on_logged_in, dispatch_uid="accounts.devices.logged_in")
user_logged_out.connect(_on_logged_out, dispatch_uid="accounts.devices.logged_out")
user_login_failed.connect(_on_login_failed, dispatch_uid="accounts.devices.login_failed")


# --- API clients (refresh-token families) ---------------------------------------------------------------


def api_client_open(*, user: User, refresh: RefreshToken) -> None:
    """A sign-in through the token endpoint starts a family: the claim goes into the token, the row into the list."""
    family = uuid.uuid4().hex
    refresh[FAMILY_CLAIM] = family
    now = timezone.now()
    SignIn.objects.create(
        user=user,
        kind=SignIn.API,
        key=family,
        secret=refresh[jwt_settings.JTI_CLAIM],
        created_at=now,
        last_used_at=now,
        user_agent=activity.request_agent_current(),
        address=activity.request_place_current(),
    )
    activity.activity_record(user_id=user.pk, kind=ActivityEvent.SIGN_IN, details={"via": "app"})


def api_client_rotate(*, old: RefreshToken, new: RefreshToken) -> bool:
    """Carry the family into a rotated token; False when the family was signed out meanwhile."""
    family = old.payload.get(FAMILY_CLAIM)
    if not family:
        # A token from before families: it starts one now.
        api_client_open(user=User(pk=old.payload[jwt_settings.USER_ID_CLAIM]), refresh=new)
        return True
    new[FAMILY_CLAIM] = family
    return bool(
        SignIn.objects.filter(key=family, kind=SignIn.API, secret=old.payload[jwt_settings.JTI_CLAIM]).update(
            secret=new[jwt_settings.JTI_CLAIM], last_used_at=timezone.now()
        )
    )


def _api_end(row: SignIn) -> None:
    token = OutstandingToken.objects.filter(jti=row.secret).first()
    if token is not None:
        BlacklistedToken.objects.get_or_create(token=token)


def api_client_signed_out(*, refresh: RefreshToken) -> None:
    """The client signed itself out (its refresh token is blacklisted): it leaves the list."""
    family = refresh.payload.get(FAMILY_CLAIM)
    if family:
        SignIn.objects.filter(key=family, kind=SignIn.API).delete()
    user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
    if user_id is not None and User.objects.filter(pk=user_id).exists():
        activity.activity_record(user_id=int(user_id), kind=ActivityEvent.SIGN_OUT, details={"via": "app"})


def api_client_reuse_check(*, raw: str) -> bool:
    """A genuine refresh token that was already used: revoke its whole family. True if that happened.

    Only a rotated (blacklisted) token of a family still signed in counts: the
    thief and the owner each hold one, and neither can tell which is which.
    """
    try:
        payload = token_backend.decode(raw, verify=True)  # signature and expiry, not the blacklist
    except TokenBackendError:
        return False
    family = payload.get(FAMILY_CLAIM)
    jti = payload.get(jwt_settings.JTI_CLAIM)
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != "refresh" or not family or not jti:
        return False
    if not BlacklistedToken.objects.filter(token__jti=jti).exists():
        return False
    with transaction.atomic():
        row = SignIn.objects.select_for_update().filter(key=family, kind=SignIn.API).first()
        if row is None:
            return False
        _api_end(row)
        row.delete()
        activity.activity_record(user_id=row.user_id, kind=ActivityEvent.TOKEN_REUSED, details={"id": row.pk})
    logger.warning("refresh token reused; family revoked", extra={"user_id": row.user_id})
    return True


# --- The owner's list -----------------------------------------------------------------------------------


def sign_in_list(*, user: User) -> QuerySet[SignIn]:
    """The user's live sign-ins, most recently used first (bounded)."""
    now = timezone.now()
    browser_cutoff = now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    api_cutoff = now - jwt_settings.REFRESH_TOKEN_LIFETIME
    return (
        SignIn.objects.filter(user=user)
        .filter(
            Q(kind=SignIn.BROWSER, last_used_at__gte=browser_cutoff) | Q(kind=SignIn.API, last_used_at__gte=api_cutoff)
        )
        .only("id", "kind", "key", "created_at", "last_used_at", "user_agent", "address")
        .order_by("-last_used_at", "-id")[:LIST_LIMIT]
    )


def current_key(request: HttpRequest) -> str | None:
    """The key of the sign-in making this request: its session's, or its access token's family."""
    auth = getattr(request, "auth", None)
    if auth is not None and hasattr(auth, "get"):
        return auth.get(FAMILY_CLAIM)
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return _key_hash(session.session_key)
    return None


def sign_in_get_for_user(*, user: User, sign_in_id: int | str) -> SignIn:
    try:
        return SignIn.objects.get(pk=int(sign_in_id), user=user)
    except (SignIn.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def sign_in_revoke(*, sign_in: SignIn) -> None:
    """Sign this browser or app out now, and say so in the owner's log."""
    with transaction.atomic():
        if sign_in.kind == SignIn.BROWSER:
            _browser_end(sign_in)
        else:
            _api_end(sign_in)
        sign_in.delete()
        activity.activity_record(
            user_id=sign_in.user_id,
            kind=ActivityEvent.SIGN_IN_REVOKED,
            details={"kind": sign_in.kind, "device": sign_in.user_agent},
        )


def sign_in_revoke_others(*, user: User, keep_key: str | None) -> int:
    """Sign out every browser and app of the user except the one making the request."""
    rows = list(SignIn.objects.filter(user=user).exclude(key=keep_key or ""))
    with transaction.atomic():
        for row in rows:
            if row.kind == SignIn.BROWSER:
                _browser_end(row)
            else:
                _api_end(row)
        SignIn.objects.filter(pk__in=[row.pk for row in rows]).delete()
        if rows:
            activity.activity_record(
                user_id=user.pk, kind=ActivityEvent.SIGN_IN_REVOKED, details={"count": len(rows), "all_others": True}
            )
    return len(rows)


def sign_ins_forget(*, user_id: int, kind: str | None = None) -> None:
    """Drop the rows of sign-ins that ended another way (a new password ends every session and token)."""
    rows = SignIn.objects.filter(user_id=user_id)
    if kind:
        rows = rows.filter(kind=kind)
    rows.delete()


def sign_in_groups(rows: list[SignIn]) -> list[dict]:
    """The list as the owner reads it: one group per kind and device label, the newest sign-in first, groups
    in the order of their newest use (rows come newest first)."""
    groups: dict[tuple[str, str], dict] = {}
    for row in rows:
        group = groups.setdefault((row.kind, row.user_agent), {"kind": row.kind, "label": row.user_agent, "rows": []})
        group["rows"].append(row)
    for group in groups.values():
        group["newest"] = group["rows"][0]
        group["current"] = any(getattr(row, "is_current", False) for row in group["rows"])
    return list(groups.values())


def _session_gone(row: SignIn) -> bool:
    key = _unseal(row.secret)
    return key is None or not _session_store()().exists(key)


def sign_ins_cleanup(*, batch_size: int = 1000) -> int:
    """Drop rows of sign-ins that have ended by themselves (daily): expired, or a browser session that is no
    longer in the session store (signed out or cleared some other way)."""
    now = timezone.now()
    browsers = SignIn.objects.filter(
        kind=SignIn.BROWSER, last_used_at__lt=now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ).delete()[0]
    last = 0
    while rows := list(SignIn.objects.filter(kind=SignIn.BROWSER, pk__gt=last).order_by("pk")
                       .only("pk", "secret")[:batch_size]):
        gone = [row.pk for row in rows if _session_gone(row)]
        browsers += SignIn.objects.filter(pk__in=gone).delete()[0]
        last = rows[-1].pk
    apps = SignIn.objects.filter(kind=SignIn.API, last_used_at__lt=now - jwt_settings.REFRESH_TOKEN_LIFETIME).delete()[
        0
    ]
    return browsers + apps
