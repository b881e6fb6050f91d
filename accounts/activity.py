"""The account activity log: what happened to an account, for its owner to read.

Rows are only added (by `activity_record`) and removed after a year by the
daily `accounts.cleanup_account_records`; nothing updates them. Details are
small facts (which fields, which format, how many), never diary or
conversation text. The place and browser of the request come from the request
being served, which SignInMiddleware makes known here, so services deep in a
call chain need not be handed the request. See docs/account-protection.md.
"""

import contextvars
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.clients import request_agent, request_place
from accounts.models import ActivityEvent, User

logger = logging.getLogger(__name__)

RETENTION_DAYS = 365
CLEANUP_BATCH_SIZE = 1000
PAGE_SIZE = 50

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "accounts_activity_request", default=None
)


def request_bind(request: HttpRequest | None) -> contextvars.Token:
    return _current_request.set(request)


def request_unbind(token: contextvars.Token) -> None:
    _current_request.reset(token)


def request_current() -> HttpRequest | None:
    """The request being served in this thread or task, if any (accounts.devices.SignInMiddleware binds it)."""
    return _current_request.get()


def request_agent_current() -> str:
    return request_agent(_current_request.get())


def request_place_current() -> str:
    return request_place(_current_request.get())


def activity_record(
    *, user_id: int, kind: str, details: dict | None = None, request: HttpRequest | None = None
) -> ActivityEvent:
    """Add one row to the user's log, with the place and browser of the request being served (if any)."""
    request = request if request is not None else _current_request.get()
    return ActivityEvent.objects.create(
        user_id=user_id,
        kind=kind,
        address=request_place(request),
        user_agent=request_agent(request),
        details=details or {},
    )


def activity_profile_changed(*, user: User, fields: list[str]) -> None:
    """Log the changes that matter to an account's safety: its email address and the companion's consent."""
    if "email" in fields:
        activity_record(user_id=user.pk, kind=ActivityEvent.EMAIL_CHANGED)
    if "ai_can_read_entries" in fields:
        activity_record(
            user_id=user.pk,
            kind=ActivityEvent.CONSENT_CHANGED,
            details={"ai_can_read_entries": user.ai_can_read_entries},
        )


def activity_sign_in_failed(*, identifier: str, request: HttpRequest | None, step: str = "password") -> None:
    """A wrong password (or code) for an existing account goes into that account's log; unknown names go nowhere."""
    from django.contrib.auth import get_user_model

    identifier = (identifier or "").strip().lower()
    if not identifier:
        return
    field = "email__lower" if "@" in identifier else "username__lower"
    user_id = get_user_model().objects.filter(**{field: identifier}).values_list("pk", flat=True).first()
    if user_id is not None:
        activity_record(user_id=user_id, kind=ActivityEvent.SIGN_IN_FAILED, details={"step": step}, request=request)


# --- Reads ---------------------------------------------------------------------------------------------


def activity_list(*, user: User) -> QuerySet[ActivityEvent]:
    """The user's log, newest first (answered from the (user, created_at, id) index)."""
    return ActivityEvent.objects.filter(user=user).order_by("-created_at", "-id")


def activity_page(*, user: User, before: str = "") -> tuple[list[ActivityEvent], str]:
    """One page of the log for the settings page, and the cursor of the next (older) page or ''.

    The cursor is `<created_at ISO>_<id>` of the last row shown; a bad one starts from the newest.
    """
    rows = activity_list(user=user)
    moment, _sep, row_id = before.rpartition("_")
    try:
        when = datetime.fromisoformat(moment)
        last_id = int(row_id)
    except ValueError:
        when = None
    if when is not None and timezone.is_aware(when):
        rows = rows.filter(Q(created_at__lt=when) | Q(created_at=when, id__lt=last_id))
    page = list(rows[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    cursor = f"{page[-1].created_at.isoformat()}_{page[-1].pk}" if more else ""
    return page, cursor


# --- Retention -------------------------------------------------------------------------------------------


def activity_cleanup(*, days: int = RETENTION_DAYS, batch_size: int = CLEANUP_BATCH_SIZE) -> int:
    """Delete rows older than `days`, a batch at a time; idempotent (a second run finds nothing)."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    while True:
        ids = list(
            ActivityEvent.objects.filter(created_at__lt=cutoff)
            .order_by("created_at")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += ActivityEvent.objects.filter(pk__in=ids).delete()[0]
