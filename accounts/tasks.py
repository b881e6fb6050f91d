"""Background work of accounts: emails and the stale-token cleanup."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import EmailChange, User
from journal_site.locks import run_once_today
from journal_site.metrics import task_skipped

logger = logging.getLogger(__name__)

MAIL_ERRORS = (smtplib.SMTPException, OSError)


def _send(user: User, template: str, context: dict, *, to: str | None = None) -> None:
    with translation.override(user.language):
        context = {"user": user, "site_name": _site_name(), **context}
        subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
        body = render_to_string(f"accounts/email/{template}_body.txt", context)
    send_mail(subject, body, None, [to or user.email])


def _site_name() -> str:
    return translation.gettext("Journal")


@shared_task(
    name="accounts.send_welcome_email",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    max_retries=5,
    ignore_result=True,
)
def send_welcome_email(*, user_id: int, base_url: str = "") -> None:
    """Welcome a new user. Sent at most once per account, however often the task runs."""
    sent_key = f"accounts:welcome-sent:{user_id}"
    if cache.get(sent_key):
        return
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    _send(user, "welcome", {"base_url": base_url.rstrip("/")})
    cache.set(sent_key, True, 7 * 24 * 3600)


@shared_task(
    name="accounts.send_password_reset_email",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    max_retries=3,
    ignore_result=True,
)
def send_password_reset_email(*, user_id: int, base_url: str) -> None:
    """Mail a password reset link; the link is made here, so none travels through the broker."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = f"{base_url.rstrip('/')}/accounts/password/reset/{uid}/{token}/"
    _send(user, "password_reset", {"reset_url": link})


@shared_task(
    name="accounts.send_email_change_notice",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    max_retries=5,
    ignore_result=True,
)
def send_email_change_notice(*, change_id: int, base_url: str) -> None:
    """Tell the old address that the account's email changed, with a link that undoes it.

    The link is made here, so none travels through the broker; sent at most
    once per change, and not at all once the change was undone.
    """
    sent_key = f"accounts:email-change-notice-sent:{change_id}"
    if cache.get(sent_key):
        return
    change = EmailChange.objects.select_related("user").filter(pk=change_id, undone_at__isnull=True).first()
    if change is None:
        return
    from accounts import services

    token = services.email_change_undo_token(change_id=change.pk)
    link = f"{base_url.rstrip('/')}/accounts/email/undo/{token}/"
    context = {"undo_url": link, "new_email": change.new_email, "days": EmailChange.UNDO_MAX_AGE.days}
    _send(change.user, "email_changed", context, to=change.old_email)
    cache.set(sent_key, True, int(EmailChange.UNDO_MAX_AGE.total_seconds()))


@shared_task(
    name="accounts.send_email_confirmation",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    max_retries=5,
    ignore_result=True,
)
def send_email_confirmation(*, change_id: int, base_url: str) -> None:
    """Ask the new address to confirm itself; the link is made here, so none travels through the broker."""
    change = EmailChange.objects.select_related("user").filter(
        pk=change_id, confirmed_at__isnull=True, undone_at__isnull=True
    ).first()
    if change is None:
        return
    from accounts import services

    token = services.email_change_confirm_token(change_id=change.pk)
    link = f"{base_url.rstrip('/')}/accounts/email/confirm/{token}/"
    context = {"confirm_url": link, "new_email": change.new_email, "days": EmailChange.CONFIRM_MAX_AGE.days}
    _send(change.user, "email_confirm", context, to=change.new_email)


@shared_task(
    name="accounts.send_account_secured_notice",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    max_retries=5,
    ignore_result=True,
)
def send_account_secured_notice(*, user_id: int, two_factor_removed: bool = False) -> None:
    """Tell the restored address what securing the account did: the address back, every device signed
    out, the password to choose, two-step sign-in added meanwhile turned off."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        _send(user, "account_secured", {"two_factor_removed": two_factor_removed})


@shared_task(
    name="accounts.send_password_changed_notice",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    max_retries=5,
    ignore_result=True,
)
def send_password_changed_notice(*, user_id: int) -> None:
    """Tell the account's address that its password was changed (the last step of securing it, or any change)."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        _send(user, "password_changed", {})


@shared_task(name="accounts.cleanup_stale_tokens", ignore_result=True, bind=True)
def cleanup_stale_tokens(self) -> dict | None:
    """Daily: revoke refresh tokens of users away for REFRESH_TOKEN_STALE_DAYS, drop expired ones.

    Takes a lock for the day in the shared cache, so a second beat started by
    mistake does not run it twice. Never deletes a user.
    """
    from accounts import services

    ran, result = run_once_today(
        "accounts.cleanup_stale_tokens",
        lambda: services.tokens_cleanup(stale_days=settings.REFRESH_TOKEN_STALE_DAYS),
    )
    if not ran:
        logger.info("stale-token cleanup already ran today")
        task_skipped(self)
        return None
    logger.info("stale-token cleanup: %(revoked)d revoked, %(deleted)d deleted", result, extra=result)
    return result


@shared_task(name="accounts.cleanup_account_records", ignore_result=True)
def cleanup_account_records() -> dict | None:
    """Daily: delete activity older than a year, rows of sign-ins that expired by themselves, and email
    changes 30 days after they settled.

    Claimed for the day like the other daily cleanups; each part works in
    batches and a second run finds nothing to do.
    """
    from accounts import activity, devices, services

    ran, result = run_once_today(
        "accounts.cleanup_account_records",
        lambda: {"activity_deleted": activity.activity_cleanup(), "sign_ins_deleted": devices.sign_ins_cleanup(),
                 "email_changes_deleted": services.email_changes_cleanup()},
    )
    if not ran:
        logger.info("account-records cleanup already ran today")
        return None
    logger.info("account-records cleanup", extra=result)
    return result


@shared_task(name="accounts.data_key_reseal", acks_late=True)
def data_key_reseal_task(user_id: int) -> dict[str, int]:
    """Queued by a rotation of the user's data key; seals their rows again (docs/encryption.md)."""
    from accounts.keys import data_key_reseal

    return data_key_reseal(user_id=user_id)


@shared_task(name="accounts.data_keys_retire")
def data_keys_retire() -> int:
    """Queued by beat hourly: finishes rotations whose old keys could not be retired yet. Returns how many users."""
    from django.db.models import Count

    from accounts.keys import SEARCH_KEY_VERSION, data_key_reseal
    from accounts.models import DataKey

    # The search key (version 0) seals nothing and is never retired: a user with two sealing keys has a rotation.
    users = (DataKey.objects.filter(version__gt=SEARCH_KEY_VERSION).values("user_id").annotate(n=Count("id"))
             .filter(n__gt=1).values_list("user_id", flat=True)[:1000])
    for user_id in users:
        data_key_reseal(user_id=user_id)
    return len(users)
