"""The admin's status page and its test email (docs/operations.md, "Status page"); staff only."""

import logging

from django.contrib import admin, messages
from django.core.mail import send_mail
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from overview.status import status_facts

logger = logging.getLogger(__name__)


@require_GET
def status_page(request):
    context = {**admin.site.each_context(request), "title": "Status", "sections": status_facts()}
    return render(request, "admin/status.html", context)


@require_POST
def status_test_email(request):
    """Send a test email to the signed-in admin now, through the configured backend, and say what happened."""
    address = request.user.email
    try:
        send_mail(
            "Journal: a test email",
            "This is the test email sent from the journal's status page. Mail works.",
            None,
            [address],
            fail_silently=False,
        )
    except Exception as exc:  # the backend's own words help the operator; they name no user's text
        logger.warning("test email failed", extra={"error": type(exc).__name__})
        messages.error(request, f"The test email could not be sent: {type(exc).__name__}: {exc}")
    else:
        messages.success(
            request, f"A test email went to {address}. If it does not arrive, see docs/operations.md, Mail."
        )
    return redirect("overview:status")
