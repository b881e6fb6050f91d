"""Every write to accounts: sign-up, sign-in, profile, password, tokens, deletion."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts import activity, devices, tasks, throttling, twofactor
from accounts.models import (
    LANGUAGE_CHOICES,
    ActivityEvent,
    EmailChange,
    Invite,
    SignIn,
    SignUpMode,
    SiteSettings,
    User,
)
from accounts.selectors import user_cache_key
from journal_site import outbox, prefetch
from journal_site.deletion import delete_in_batches

logger = logging.getLogger(__name__)

TOKEN_BATCH_SIZE = 1000


class SignInThrottled(Exception):
    def __init__(self, wait_seconds: int) -> None:
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


class InvalidCredentials(Exception):
    pass


class RegistrationConflict(Exception):
    """The username or email was taken by a sign-up that committed a moment earlier."""

    message = gettext_lazy("This username or email address is already taken.")


class SignUpRefused(Exception):
    """Sign-up is closed, or by invitation and the link is missing, used or expired."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TokenAlreadyUsed(Exception):
    """A refresh token was rotated or revoked by a concurrent request."""


class UndoLinkInvalid(Exception):
    """An email-change undo link that is forged, expired or already used."""


EMAIL_UNDO_SALT = "accounts.email-change-undo"
EMAIL_CONFIRM_SALT = "accounts.email-change-confirm"


# --- The user cache ---------------------------------------------------------------


# Sent when all of a user's cached data is to be forgotten: each app that keeps some under a version
# (the diary's statistics) moves its version on, an O(1) write (docs/caching.md). No keyspace is scanned.
user_cached_data_forget = Signal()


def user_cache_invalidate(*, user_id: int, everything: bool = True) -> None:
    """Forget the cached user, and with `everything` all their cached data (user_cached_data_forget).

    Runs now, and inside a transaction once more after the commit, so a request
    that read the old row in between cannot leave it cached.
    """

    def forget() -> None:
        cache.delete(user_cache_key(user_id=user_id))
        prefetch.forget(user_cache_key(user_id=user_id))
        if everything:
            user_cached_data_forget.send(sender=User, user_id=user_id)

    forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget)


# --- Sign-up and sign-in ------------------------------------------------------------


def supported_language(code: str | None) -> str:
    """The journal's language closest to a requested one ("pl-PL" -> "pl"); English otherwise."""
    base = (code or "").split("-")[0].lower()
    return base if base in dict(LANGUAGE_CHOICES) else "en"


# Sent inside the registration's transaction, so work queued by a receiver
# through the outbox commits with the account (the admin overview listens).
user_registered = Signal()


# --- Who may sign up (docs/operations.md, Sign-up) -----------------------------------------------------


def _invite_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_prepare(invite: Invite, *, by: User | None, days: int = Invite.VALID_DAYS) -> str:
    """Give an unsaved invitation its token (returned: shown once, never stored), maker and expiry."""
    token = secrets.token_urlsafe(24)
    invite.token_hash, invite.created_by = _invite_hash(token), by
    invite.expires_at = timezone.now() + timedelta(days=days)
    return token


def invite_make(*, by: User | None, note: str = "", days: int = Invite.VALID_DAYS) -> tuple[Invite, str]:
    """A new sign-up link's invitation and its token."""
    invite = Invite(note=note)
    token = invite_prepare(invite, by=by, days=days)
    invite.save()
    return invite, token


def sign_up_check(invite_token: str | None, *, for_update: bool = False) -> Invite | None:
    """The invitation a sign-up uses (None when sign-up is open). Raises SignUpRefused.

    While the site has no account at all, anyone may sign up, whatever the setting: a new site's first
    person can always make theirs (and is then made an admin with `manage.py createsuperuser` or in
    the shell, as before).
    """
    mode = SiteSettings.current().sign_up
    if mode == SignUpMode.OPEN or not User.objects.exists():
        return None
    if mode == SignUpMode.CLOSED:
        raise SignUpRefused(gettext_lazy("Sign-up is closed on this journal. Ask its administrator for an account."))
    if not invite_token:
        raise SignUpRefused(gettext_lazy("Sign-up on this journal is by invitation: open the link you were sent."))
    invites = Invite.objects.select_for_update() if for_update else Invite.objects
    invite = invites.filter(token_hash=_invite_hash(invite_token)).first()
    if invite is None or not invite.usable():
        raise SignUpRefused(gettext_lazy("This invitation link has been used or has expired. Ask for a new one."))
    return invite


def user_register(
    *,
    username: str,
    email: str,
    password: str,
    language: str = "en",
    tz: str = "UTC",
    base_url: str = "",
    invite_token: str | None = None,
) -> User:
    """Create an account; the welcome email (and whatever listens to user_registered) follows after the commit.

    Raises SignUpRefused when sign-up is closed or the invitation does not admit it (an invitation is
    used up in the same transaction), RegistrationConflict when the name or email was taken after the
    form checked it.
    """
    try:
        with transaction.atomic():
            invite = sign_up_check(invite_token, for_update=True)
            user = User.objects.create_user(
                username=username, email=email, password=password, language=language, timezone=tz
            )
            if invite is not None:
                invite.used_at, invite.used_by = timezone.now(), user
                invite.save(update_fields=["used_at", "used_by"])
            outbox.enqueue(tasks.send_welcome_email, kwargs={"user_id": user.pk, "base_url": base_url})
            user_registered.send(sender=User, user=user)
    except IntegrityError as error:  # uq_users_username_ci or uq_users_email_ci
        raise RegistrationConflict from error
    logger.info("account created", extra={"user_id": user.pk})
    return user


def user_authenticate(*, request: HttpRequest, identifier: str, password: str) -> User:
    """Check a username-or-email and password, refusing while too many attempts have failed.

    Raises SignInThrottled (with the seconds to wait) or InvalidCredentials.
    A locked name or address is refused before the password is checked, and a
    success clears the name's failures (never the address's). A browser the
    account signed in on before is counted on its own (throttling.known_device).
    """
    checks = throttling.signin_checks(request=request, identifier=identifier)
    wait = throttling.locked_for(checks)
    if wait:
        raise SignInThrottled(wait)
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        throttling.record_failure(checks)
        logger.info("sign-in failed", extra={"address": throttling.client_ip(request)})
        raise InvalidCredentials
    throttling.clear(checks[:1])
    return user


# The user id queued for an address with no account: no user has it, so the task sends nothing.
NO_USER = 0


def password_reset_send(*, user_ids: list[int], base_url: str) -> None:
    """Queue a reset email to each user after the commit (through the outbox); the link is made by the task.

    An address with no account queues the same task for NO_USER, so a request does the same work
    whether the address is registered or not, and its time does not tell (bench/bench_reset_timing.py).
    """
    for user_id in user_ids or [NO_USER]:
        outbox.enqueue(tasks.send_password_reset_email, kwargs={"user_id": user_id, "base_url": base_url})


# --- Profile ------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "email", "language", "timezone", "theme", "ai_can_read_entries", "reminder_enabled", "reminder_time",
    "help_country",
)


def user_update(*, user: User, data: dict, base_url: str = "") -> User:
    """Change profile fields (already validated, the password already asked for); saves only what changed.

    A new email address does not take effect here: it is recorded as an EmailChange, the new address
    gets a link to confirm it (a typo never receives the account's resets), and the old address is
    told, with a link that secures the account (email_change_undo). A newer request replaces one not
    yet confirmed.
    """
    changed = []
    new_email = None
    for field in PROFILE_FIELDS:
        if field in data and getattr(user, field) != data[field]:
            value = data[field]
            if field == "email":
                new_email = User.objects.normalize_email(value).lower()
                if new_email == user.email:
                    new_email = None
                continue
            setattr(user, field, value)
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
        activity.activity_profile_changed(user=user, fields=changed)
    if new_email is None:
        return user
    base_url = base_url or settings.SITE_URL
    with transaction.atomic():
        now = timezone.now()
        EmailChange.objects.filter(user=user, confirmed_at__isnull=True, undone_at__isnull=True).update(undone_at=now)
        change = EmailChange.objects.create(user=user, old_email=user.email, new_email=new_email)
        activity.activity_record(user_id=user.pk, kind=ActivityEvent.EMAIL_CHANGED, details={"step": "asked"})
        outbox.enqueue(tasks.send_email_confirmation, kwargs={"change_id": change.pk, "base_url": base_url})
        outbox.enqueue(tasks.send_email_change_notice, kwargs={"change_id": change.pk, "base_url": base_url})
    logger.info("email change asked", extra={"user_id": user.pk})
    return user


def email_change_confirm_token(*, change_id: int) -> str:
    return signing.dumps({"change": change_id}, salt=EMAIL_CONFIRM_SALT)


def email_change_to_confirm(*, token: str) -> EmailChange:
    """The change a confirmation link names, if genuine, younger than CONFIRM_MAX_AGE, and still open."""
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRM_SALT, max_age=EmailChange.CONFIRM_MAX_AGE)
        change_id = int(data["change"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise UndoLinkInvalid from None
    change = EmailChange.objects.filter(pk=change_id, confirmed_at__isnull=True, undone_at__isnull=True).first()
    if change is None:
        raise UndoLinkInvalid
    return change


def email_change_confirm(*, token: str) -> User:
    """The new address confirms itself: only now does the account move to it (once, and only from the
    address the change was asked on)."""
    change = email_change_to_confirm(token=token)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=change.user_id)
            claimed = EmailChange.objects.filter(
                pk=change.pk, confirmed_at__isnull=True, undone_at__isnull=True
            ).update(confirmed_at=timezone.now())
            if not claimed or user.email != change.old_email:
                raise UndoLinkInvalid
            user.email = change.new_email
            user.save(update_fields=["email"])
            activity.activity_record(user_id=user.pk, kind=ActivityEvent.EMAIL_CHANGED, details={"step": "confirmed"})
    except IntegrityError:  # the new address was taken meanwhile
        raise UndoLinkInvalid from None
    logger.info("email changed", extra={"user_id": user.pk})
    return user


def user_check_current_password(*, user: User, password: str) -> bool:
    """Every check of a signed-in user's password (profile, password change, two-step sign-in off,
    deletion, on the pages and in the API): wrong guesses count toward the same locks as sign-in, the
    account's and the client address's.

    Raises SignInThrottled while either is locked, even for the right password, so a stolen session
    or access token cannot be used to guess the password either (docs/account-security.md).
    """
    checks = throttling.account_checks(request=activity.request_current(), user_id=user.pk)
    wait = throttling.locked_for(checks)
    if wait:
        raise SignInThrottled(wait)
    if user.check_password(password):
        return True
    throttling.record_failure(checks)
    return False


# An email change is kept this long after it settles (undone, or past its undo window), then deleted.
EMAIL_CHANGE_KEEP_DAYS = 30


def email_changes_cleanup(*, batch_size: int = 1000) -> int:
    """Delete email changes 30 days after they settled, in batches; the daily account-records cleanup."""
    now = timezone.now()
    keep = timedelta(days=EMAIL_CHANGE_KEEP_DAYS)
    settled = Q(undone_at__lt=now - keep) | Q(
        undone_at__isnull=True, created_at__lt=now - EmailChange.UNDO_MAX_AGE - keep
    )
    deleted = 0
    while ids := list(EmailChange.objects.filter(settled).values_list("pk", flat=True)[:batch_size]):
        deleted += EmailChange.objects.filter(pk__in=ids).delete()[0]
    return deleted


def email_change_undo_token(*, change_id: int) -> str:
    return signing.dumps({"change": change_id}, salt=EMAIL_UNDO_SALT)


def email_change_for_token(*, token: str) -> EmailChange:
    """The change an undo link names, if the link is genuine, younger than a week and unused."""
    try:
        data = signing.loads(token, salt=EMAIL_UNDO_SALT, max_age=EmailChange.UNDO_MAX_AGE)
        change_id = int(data["change"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise UndoLinkInvalid from None
    change = EmailChange.objects.select_related("user").filter(pk=change_id, undone_at__isnull=True).first()
    if change is None:
        raise UndoLinkInvalid
    return change


def email_change_undo(*, token: str) -> User:
    """Secure the account from the address it was taken from: the owner's action always wins.

    The link of a change restores that change's old address while the account is still on its new
    address, or on the address of a later change still pending (someone who changed the address once
    may change it again). In one transaction it then settles that change and every later one (their
    links stop working; older ones stay, as they belong to earlier owners of the account), replaces
    the password with a random one, ends every session and refresh-token family, and turns off
    two-step sign-in enrolled since the change, with its recovery codes. The owner sets a new
    password next, in the same flow (accounts.views.email_change_undo), and their address is told
    of each step. docs/account-security.md.
    """
    change = email_change_for_token(token=token)
    now = timezone.now()
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=change.user_id)
            pending_later = EmailChange.objects.filter(
                user=user, undone_at__isnull=True, created_at__gte=change.created_at
            ).exclude(pk=change.pk)
            reachable = {change.new_email.lower(), *(c.new_email.lower() for c in pending_later)}
            if change.confirmed_at is None:
                reachable.add(change.old_email.lower())  # not confirmed yet: the account never left
            if user.email.lower() not in reachable:
                raise UndoLinkInvalid  # the account moved on by another way (an undo, an admin): nothing to take back
            claimed = EmailChange.objects.filter(pk=change.pk, undone_at__isnull=True).update(undone_at=now)
            if not claimed:  # another request used the link a moment ago
                raise UndoLinkInvalid
            settled = pending_later.update(undone_at=now)
            user.email = change.old_email
            user.set_password(secrets.token_urlsafe(32))
            user.save(update_fields=["email", "password"])
            user_tokens_revoke(user_id=user.pk)
            devices.sign_ins_forget(user_id=user.pk)  # the sessions end with the old password
            two_factor_removed = twofactor.two_factor_disable_since(user=user, since=change.created_at)
            activity.activity_record(user_id=user.pk, kind=ActivityEvent.EMAIL_CHANGED,
                                     details={"undone": True, "later_changes_cancelled": settled})
            outbox.enqueue(tasks.send_account_secured_notice,
                           kwargs={"user_id": user.pk, "two_factor_removed": two_factor_removed})
    except IntegrityError:  # the old address was taken after all
        raise UndoLinkInvalid from None
    logger.info("email change undone", extra={"user_id": user.pk})
    return user


def user_set_password(*, user: User, password: str) -> None:
    """Set a new password; every other session and every refresh token of the user stops working."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        user_tokens_revoke(user_id=user.pk)
        devices.sign_ins_forget(user_id=user.pk)  # the old sessions end with the old password
        activity.activity_record(user_id=user.pk, kind=ActivityEvent.PASSWORD_CHANGED)
        outbox.enqueue(tasks.send_password_changed_notice, kwargs={"user_id": user.pk})


def user_set_active(*, user_ids: list[int], active: bool) -> int:
    """Activate or deactivate users at once; a deactivated user is locked out on the next request."""
    with transaction.atomic():
        changed = list(User.objects.filter(pk__in=user_ids).exclude(is_active=active).values_list("pk", flat=True))
        User.objects.filter(pk__in=changed).update(is_active=active)
        for user_id in changed:
            if not active:
                user_tokens_revoke(user_id=user_id)
            user_cache_invalidate(user_id=user_id)
    return len(changed)


def user_delete(*, user: User) -> None:
    """Delete the user and everything they own in one transaction; their tokens are revoked first.

    Sessions need no sweep: a session of a user who no longer exists is
    anonymous on its next request (the middleware flushes it). What other
    apps keep for the user in the cache they forget in their own post_delete
    receivers (conversations: the reply cache).
    """
    user_id = user.pk
    with transaction.atomic():
        user_tokens_revoke(user_id=user_id)
        user.delete()
    user_cache_invalidate(user_id=user_id)
    logger.info("account deleted", extra={"user_id": user_id})


# --- Tokens -------------------------------------------------------------------------------


def token_pair_issue(*, user: User) -> dict[str, str]:
    """A new access token (5 minutes) and refresh token (7 days, recorded as outstanding)."""
    refresh = RefreshToken.for_user(user)
    devices.api_client_open(user=user, refresh=refresh)  # the token family, before the token is encoded
    if jwt_settings.UPDATE_LAST_LOGIN:
        update_last_login(None, user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _outstanding(refresh: RefreshToken) -> OutstandingToken:
    """The token's row: made when it was issued, or now for a token issued without one."""
    user_id = refresh.payload.get(jwt_settings.USER_ID_CLAIM)
    row, _created = OutstandingToken.objects.get_or_create(
        jti=refresh.payload[jwt_settings.JTI_CLAIM],
        defaults={
            # Looked up only if the row has to be made.
            "user_id": lambda: user_id if User.objects.filter(pk=user_id).exists() else None,
            "created_at": refresh.current_time,
            "token": str(refresh),
            "expires_at": datetime_from_epoch(refresh.payload["exp"]),
        },
    )
    return row


def refresh_token_rotate(*, refresh: RefreshToken, user: User) -> dict[str, str]:
    """Blacklist a (verified) refresh token and issue a new pair; of two concurrent rotations one wins.

    The blacklist row is unique per token, so the loser's insert finds the
    winner's row and raises TokenAlreadyUsed instead of minting a second pair.
    """
    with transaction.atomic():
        _row, created = BlacklistedToken.objects.get_or_create(token=_outstanding(refresh))
        if not created:
            raise TokenAlreadyUsed
        refreshed = RefreshToken.for_user(user)
        if not devices.api_client_rotate(old=refresh, new=refreshed):
            raise TokenAlreadyUsed  # the family was signed out meanwhile
    return {"access": str(refreshed.access_token), "refresh": str(refreshed)}


def refresh_token_revoke(*, refresh: RefreshToken) -> None:
    """Sign out: this refresh token stops working. Idempotent."""
    BlacklistedToken.objects.get_or_create(token=_outstanding(refresh))


def _blacklist(outstanding_ids: list[int]) -> int:
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token_id=token_id) for token_id in outstanding_ids], ignore_conflicts=True
    )
    return len(outstanding_ids)


def user_tokens_revoke(*, user_id: int) -> int:
    """Blacklist every refresh token of the user that could still be used."""
    devices.sign_ins_forget(user_id=user_id, kind=SignIn.API)
    ids = list(
        OutstandingToken.objects.filter(
            user_id=user_id, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
        ).values_list("pk", flat=True)
    )
    return _blacklist(ids)


def tokens_cleanup(*, stale_days: int, batch_size: int = TOKEN_BATCH_SIZE) -> dict[str, int]:
    """Revoke the refresh tokens of users who have not signed in for `stale_days`, and drop expired rows.

    Never deletes a user. Idempotent: a second run finds nothing to do. Works
    in batches so a large table is never locked or loaded at once.
    """
    now = timezone.now()
    cutoff = now - timedelta(days=stale_days)
    stale = (
        Q(user__isnull=True)
        | Q(user__last_login__lt=cutoff)
        | Q(user__last_login__isnull=True, user__created_at__lt=cutoff)
    )
    revoked = 0
    while True:
        ids = list(
            OutstandingToken.objects.filter(stale, expires_at__gt=now, blacklistedtoken__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        with transaction.atomic():
            revoked += _blacklist(ids)
    # Each expired row takes its blacklist row along (Django's cascade).
    _total, counts = delete_in_batches(OutstandingToken.objects.filter(expires_at__lte=now), batch_size=batch_size)
    return {"revoked": revoked, "deleted": counts.get(OutstandingToken._meta.label, 0)}
