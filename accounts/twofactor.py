"""Two-step sign-in: a TOTP authenticator (RFC 6238, by pyotp) and ten one-time recovery codes.

A code works once: the last accepted 30-second step is kept and a code for
that step or an earlier one is refused (a conditional UPDATE, so two requests
racing with the same code cannot both pass). Recovery codes are kept as
HMACs keyed by SECRET_KEY and marked used by a conditional UPDATE as well.
Wrong codes count in the sign-in throttle, per account and per address. See
docs/account-protection.md.
"""

import secrets
import time

import pyotp
import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from pyotp.utils import strings_equal

from accounts import activity, throttling
from accounts.models import ActivityEvent, RecoveryCode, TwoFactor, User

ISSUER = "Journal"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
CODE_RULE = throttling.Rule("otp", 5)
PENDING_KEY = "_two_factor_pending"
PENDING_SECONDS = 5 * 60


class CodeThrottled(Exception):
    def __init__(self, wait_seconds: int) -> None:
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


# --- Setting up --------------------------------------------------------------------------------------------


def secret_new() -> str:
    return pyotp.random_base32()


def provisioning_uri(*, secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code: an SVG data URI (dark on white, readable in either theme)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def _normalized(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _totp_step(secret: str, code: str, *, after: int = 0) -> int | None:
    """The 30-second step the code belongs to (now, or one step either side for clock drift), if later than `after`."""
    code = _normalized(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(timezone.now())
    for step in (now, now - 1, now + 1):
        if step > after and strings_equal(totp.generate_otp(step), code):
            return step
    return None


def code_confirms(*, secret: str, code: str) -> int | None:
    """The step of a code from an authenticator holding this (not yet saved) secret, or None."""
    return _totp_step(secret, code)


def _recovery_hash(code: str) -> str:
    return salted_hmac("accounts.twofactor.recovery", _normalized(code), algorithm="sha256").hexdigest()


def _recovery_codes_new(user: User) -> list[str]:
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    codes = [f"{code[:5]}-{code[5:]}" for code in codes]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_recovery_hash(code)) for code in codes])
    return codes


def two_factor_enable(*, user: User, secret: str, confirmed_step: int = 0) -> list[str]:
    """Turn two-step sign-in on with a confirmed secret; returns the recovery codes, shown once.

    The code that confirmed the secret counts as used, so it cannot also sign in.
    """
    with transaction.atomic():
        TwoFactor.objects.update_or_create(user=user, defaults={"secret": secret, "last_step": confirmed_step})
        codes = _recovery_codes_new(user)
        activity.activity_record(user_id=user.pk, kind=ActivityEvent.TWO_FACTOR_ENABLED)
    return codes


def two_factor_disable(*, user: User) -> None:
    with transaction.atomic():
        TwoFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        activity.activity_record(user_id=user.pk, kind=ActivityEvent.TWO_FACTOR_DISABLED)


def two_factor_disable_since(*, user: User, since) -> bool:
    """Turn two-step sign-in off if it was turned on at or after `since` (by whoever held the account
    then), with its recovery codes; True when it was. An authenticator older than that stays."""
    with transaction.atomic():
        removed, _ = TwoFactor.objects.filter(user=user, created_at__gte=since).delete()
        if removed:
            RecoveryCode.objects.filter(user=user).delete()
            activity.activity_record(user_id=user.pk, kind=ActivityEvent.TWO_FACTOR_DISABLED,
                                     details={"reason": "account secured"})
    return bool(removed)


# The two-step sign-in page warns when this few unused recovery codes are left (docs/account-protection.md).
RECOVERY_CODES_LOW = 3


def recovery_codes_renew(*, user: User) -> list[str]:
    """A new set of recovery codes, shown once; every earlier code stops working."""
    with transaction.atomic():
        codes = _recovery_codes_new(user)
        activity.activity_record(user_id=user.pk, kind=ActivityEvent.TWO_FACTOR_ENABLED,
                                 details={"recovery_codes": "renewed"})
    return codes


def is_enabled(user: User) -> bool:
    return TwoFactor.objects.filter(user_id=user.pk).exists()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- Checking a code ---------------------------------------------------------------------------------------


def code_verify(*, user: User, code: str) -> bool:
    """An authenticator code not used before, or an unused recovery code; either is spent by this call."""
    device = TwoFactor.objects.filter(user_id=user.pk).first()
    if device is None:
        return False
    step = _totp_step(device.secret, code, after=device.last_step)
    if step is not None:
        return bool(TwoFactor.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step))
    normalized = _normalized(code)
    if len(normalized) != 10:
        return False
    used = RecoveryCode.objects.filter(
        user_id=user.pk, code_hash=_recovery_hash(normalized), used_at__isnull=True
    ).update(used_at=timezone.now())
    if used:
        activity.activity_record(
            user_id=user.pk, kind=ActivityEvent.RECOVERY_CODE_USED, details={"left": recovery_codes_left(user)}
        )
    return bool(used)


def _checks(request: HttpRequest, user: User) -> list[tuple[throttling.Rule, str]]:
    return [(CODE_RULE, str(user.pk)), (throttling.ADDRESS, throttling.address_key(throttling.client_ip(request)))]


def code_verify_throttled(*, request: HttpRequest, user: User, code: str) -> bool:
    """code_verify behind the sign-in throttle: raises CodeThrottled while locked; a wrong code counts."""
    checks = _checks(request, user)
    wait = throttling.locked_for(checks)
    if wait:
        raise CodeThrottled(wait)
    if code_verify(user=user, code=code):
        throttling.clear(checks[:1])
        return True
    throttling.record_failure(checks)
    activity.activity_record(
        user_id=user.pk, kind=ActivityEvent.SIGN_IN_FAILED, details={"step": "code"}, request=request
    )
    return False


# --- The sign-in page's second step ------------------------------------------------------------------------


def pending_start(*, request: HttpRequest, user: User, backend: str, next_url: str) -> None:
    """The password was right: remember who is halfway signed in, for a few minutes, in this session."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user": user.pk, "backend": backend, "next": next_url, "at": time.time()}


def pending_user(request: HttpRequest) -> tuple[User, dict] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return (user, pending) if user is not None else None


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
