"""Pages of the account's protections: where you are signed in, two-step sign-in, and the activity log."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import activity, devices, services, throttling, twofactor
from accounts.forms import PasswordConfirmationForm
from accounts.forms_security import CodeForm, ConfirmCodeForm, DisableTwoFactorForm

SETUP_SESSION_FIELD = "_two_factor_setup"


def _throttled_message(seconds: int) -> str:
    return throttling.signin_refusal(seconds)


# --- Sessions and devices -----------------------------------------------------------------------------------


@login_required
@require_GET
def sessions_page(request: HttpRequest) -> HttpResponse:
    current = devices.current_key(request)
    rows = list(devices.sign_in_list(user=request.user))
    for row in rows:
        row.is_current = row.key == current
    return render(request, "accounts/sessions.html", {"sign_ins": rows, "groups": devices.sign_in_groups(rows)})


@login_required
@require_POST
def session_revoke(request: HttpRequest, sign_in_id: int) -> HttpResponse:
    row = devices.sign_in_get_for_user(user=request.user, sign_in_id=sign_in_id)
    if row.key == devices.current_key(request):
        devices.sign_in_revoke(sign_in=row)
        logout(request)
        messages.info(request, _("You are signed out. See you soon."))
        return redirect("home")
    devices.sign_in_revoke(sign_in=row)
    messages.success(request, _("That device was signed out."))
    return redirect("accounts:sessions")


@login_required
@require_POST
def sessions_revoke_others(request: HttpRequest) -> HttpResponse:
    count = devices.sign_in_revoke_others(user=request.user, keep_key=devices.current_key(request))
    messages.success(
        request,
        ngettext("%(count)d other device was signed out.", "%(count)d other devices were signed out.", count)
        % {"count": count},
    )
    return redirect("accounts:sessions")


# --- Two-step sign-in ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Off: a new secret as a QR code, turned on by a code from it. On: the state and the form to turn it off."""
    user = request.user
    if twofactor.is_enabled(user):
        return _enabled_page(request)
    secret = request.session.get(SETUP_SESSION_FIELD)
    if not secret:
        secret = request.session[SETUP_SESSION_FIELD] = twofactor.secret_new()
    form = ConfirmCodeForm(request.POST if request.method == "POST" else None, user=user)
    status = 400
    if request.method == "POST" and form.is_valid():
        step = twofactor.code_confirms(secret=secret, code=form.cleaned_data["code"])
        if step is not None:
            codes = twofactor.two_factor_enable(user=user, secret=secret, confirmed_step=step)
            request.session.pop(SETUP_SESSION_FIELD, None)
            if form.cleaned_data["sign_out_others"]:
                devices.sign_in_revoke_others(user=user, keep_key=devices.current_key(request))
                services.user_tokens_revoke(user_id=user.pk)
            return render(request, "accounts/two_factor_codes.html", {"codes": codes})
        form.add_error("code", _("The code is not right. Check the time on your phone and try the next code."))
    uri = twofactor.provisioning_uri(secret=secret, user=user)
    return render(
        request,
        "accounts/two_factor.html",
        {"enabled": False, "form": form, "secret": secret, "uri": uri, "qr": twofactor.qr_data_uri(uri)},
        status=(429 if form.has_error("password", "throttled") else status) if form.errors else 200,
    )


def _enabled_page(request: HttpRequest, *, form=None, renew_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    left = twofactor.recovery_codes_left(user)
    return render(
        request,
        "accounts/two_factor.html",
        {"enabled": True, "codes_left": left, "codes_low": left <= twofactor.RECOVERY_CODES_LOW,
         "form": form or DisableTwoFactorForm(user=user),
         "renew_form": renew_form or PasswordConfirmationForm(user=user, prefix="renew")},
        status=status,
    )


@sensitive_post_parameters("renew-password")
@login_required
@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    """New recovery codes after the password; the old ones stop working."""
    user = request.user
    if not twofactor.is_enabled(user):
        return redirect("accounts:two_factor")
    form = PasswordConfirmationForm(request.POST, user=user, prefix="renew")
    if form.is_valid():
        return render(request, "accounts/two_factor_codes.html", {"codes": twofactor.recovery_codes_renew(user=user)})
    return _enabled_page(request, renew_form=form, status=429 if form.has_error("password", "throttled") else 400)


@sensitive_post_parameters("password", "code")
@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = DisableTwoFactorForm(request.POST, user=user)
    status = 400
    if form.is_valid():
        try:
            accepted = twofactor.code_verify_throttled(request=request, user=user, code=form.cleaned_data["code"])
        except twofactor.CodeThrottled as refused:
            form.add_error("code", _throttled_message(refused.wait_seconds))
            status = 429
        else:
            if accepted:
                twofactor.two_factor_disable(user=user)
                messages.success(request, _("Two-step sign-in is off."))
                return redirect("accounts:two_factor")
            form.add_error("code", _("The code is not right, or was already used."))
    if not twofactor.is_enabled(user):
        return redirect("accounts:two_factor")
    return _enabled_page(request, form=form, status=status)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for accounts with two-step sign-in: the password was right, now the code."""
    pending = twofactor.pending_user(request)
    if pending is None:
        twofactor.pending_clear(request)
        messages.info(request, _("Sign in again, please: that took too long."))
        return redirect("accounts:login")
    user, state = pending
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                accepted = twofactor.code_verify_throttled(request=request, user=user, code=form.cleaned_data["code"])
            except twofactor.CodeThrottled as refused:
                form.add_error(None, _throttled_message(refused.wait_seconds))
                response = render(request, "accounts/login_code.html", {"form": form}, status=429)
                response["Retry-After"] = str(refused.wait_seconds)
                return response
            if accepted:
                twofactor.pending_clear(request)
                login(request, user, backend=state["backend"])
                return throttling.device_remember(redirect(state.get("next") or "home"), user_id=user.pk)
            form.add_error("code", _("The code is not right, or was already used."))
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


# --- The activity log ---------------------------------------------------------------------------------------


@login_required
@require_GET
def activity_page(request: HttpRequest) -> HttpResponse:
    events, cursor = activity.activity_page(user=request.user, before=request.GET.get("before", "")[:80])
    return render(request, "accounts/activity.html", {"events": events, "cursor": cursor})
