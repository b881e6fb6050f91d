from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import devices, services, throttling, twofactor
from accounts.forms import (
    DeleteAccountForm,
    PasswordChangeForm,
    PasswordResetForm,
    PreferencesForm,
    SetPasswordForm,
    SettingsForm,
    SignInForm,
    SignUpForm,
)
from accounts.models import User
from accounts.sections import SETTINGS_SECTIONS

BACKEND = "accounts.backends.UsernameOrEmailBackend"


def _posted(request: HttpRequest):
    """The submitted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest, token: str | None = None) -> HttpResponse:
    """Sign-up, open or by an invitation link (`token`); a closed or uninvited sign-up says why, with a 403."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    try:
        services.sign_up_check(token)
    except services.SignUpRefused as refused:
        return render(request, "accounts/signup.html", {"refused": refused.message}, status=403)
    form = SignUpForm(_posted(request))
    context = {
        "form": form,
        "action": reverse("accounts:signup_invite", args=[token]) if token else reverse("accounts:signup"),
    }
    if request.method == "POST" and (wait := throttling.attempt(throttling.signup_checks(request=request))):
        return _too_many_requests(request, "accounts/signup.html", form, wait, context)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_register(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                language=services.supported_language(translation.get_language()),
                tz=data["timezone"],
                base_url=request.build_absolute_uri("/"),
                invite_token=token,
            )
        except services.SignUpRefused as refused:  # the link was used a moment ago, or sign-up just closed
            return render(request, "accounts/signup.html", {"refused": refused.message}, status=403)
        except services.RegistrationConflict as conflict:
            form.add_error(None, conflict.message)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome! Your journal is ready."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/signup.html", context, status=400 if form.errors else 200)


def _too_many_requests(
    request: HttpRequest, template: str, form, wait: int, context: dict | None = None
) -> HttpResponse:
    """The form again, not validated (that would answer the question refused), with a 429 and the wait."""
    form._errors, form.cleaned_data = ErrorDict(), {}
    form.add_error(None, throttling.signup_refusal(wait))
    response = render(request, template, {"form": form, **(context or {})}, status=429)
    response["Retry-After"] = str(wait)
    return response


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.is_enabled(user):
            # The password was right; the session is not signed in until the code is (views_security.login_code).
            twofactor.pending_start(
                request=self.request, user=user, backend=user.backend, next_url=self.get_success_url()
            )
            return redirect("accounts:login_code")
        return throttling.device_remember(super().form_valid(form), user_id=user.pk)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        if form.throttled_seconds:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled_seconds)
        return response


# What a browser should forget when its account signs out or is deleted: its
# cache and its storage (the unsaved drafts in localStorage), not its cookies,
# which carry the session and the message shown next (docs/account-security.md).
CLEAR_SITE_DATA = '"cache", "storage"'


def forget_browser_data(response: HttpResponse) -> HttpResponse:
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


class SignOutView(auth_views.LogoutView):
    """Django's sign-out (POST only), saying so on the next page."""

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            # The session is gone; the message travels in the messages cookie.
            messages.info(request, _("You are signed out. See you soon."))
        forget_browser_data(response)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):
        response = super().form_valid(form)
        devices.browser_sign_in_register(request=self.request, user=form.user)  # this browser stays signed in
        messages.success(self.request, _("Your password was changed. Other devices were signed out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Each request counts: a flood of reset emails is refused per address.
        checks = [(throttling.RESET_ADDRESS, throttling.address_key(throttling.client_ip(self.request)))]
        wait = throttling.locked_for(checks)
        if wait:
            form.add_error(None, throttling.reset_refusal(wait))
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        throttling.record_failure(checks)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    # Signed out, the journal keeps speaking the language chosen here.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@login_required
@require_http_methods(["POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The footer's switches: save a language or a theme to the account, then go back to the page."""
    form = PreferencesForm(request.POST)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    if not form.is_valid():
        messages.error(request, _("That choice is not available."))
        return HttpResponseRedirect(next_url)
    data = {field: value for field, value in form.cleaned_data.items() if value}
    user = services.user_update(user=request.user, data=data)
    response = HttpResponseRedirect(next_url)
    return _language_cookie(response, user.language) if "language" in data else response


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(_posted(request), instance=request.user, base_url=request.build_absolute_uri("/"))
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        messages.success(request, _("Your settings were saved."))
        return _language_cookie(HttpResponseRedirect(reverse("accounts:settings")), user.language)
    # The request's user may come from the cache; the text count changes with every entry, so it is read here.
    used = User.objects.filter(pk=request.user.pk).values_list("text_bytes", flat=True).first() or 0
    budget = settings.ACCOUNT_TEXT_BUDGET_BYTES
    text = {"used_mb": f"{used / 2**20:,.1f}", "budget_mb": f"{budget / 2**20:,.0f}",
            "percent": min(100, round(used * 100 / budget))}
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "delete_form": DeleteAccountForm(user=request.user), "text": text,
         "sections": SETTINGS_SECTIONS},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """The danger zone: after the password, the account and everything in it are deleted at once."""
    form = DeleteAccountForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account and everything in it were deleted."))
        return forget_browser_data(redirect("home"))
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The new address confirms itself: a GET only asks (mail scanners open links), the POST does it."""
    try:
        if request.method == "GET":
            change = services.email_change_to_confirm(token=token)
            return render(request, "accounts/email_confirm.html", {"state": "confirm", "email": change.new_email})
        user = services.email_change_confirm(token=token)
    except services.UndoLinkInvalid:
        return render(request, "accounts/email_confirm.html", {"state": "invalid"}, status=400)
    return render(request, "accounts/email_confirm.html", {"state": "done", "email": user.email})


@require_http_methods(["GET", "POST"])
def email_change_undo(request: HttpRequest, token: str) -> HttpResponse:
    """The old address puts itself back: a GET only asks (mail scanners open links), the POST does it."""
    try:
        if request.method == "GET":
            change = services.email_change_for_token(token=token)
            return render(request, "accounts/email_undo.html", {"state": "confirm", "email": change.old_email})
        user = services.email_change_undo(token=token)
    except services.UndoLinkInvalid:
        return render(request, "accounts/email_undo.html", {"state": "invalid"}, status=400)
    logout(request)
    # The same flow goes on to a new password: the reset page, with a link made for this moment
    # (its token dies with the password it sets), never sent anywhere.
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    messages.success(request, _("Your email address is %(email)s again, and every device and app was signed out. "
                                "Now choose a new password.") % {"email": user.email})
    return redirect("accounts:password_reset_confirm", uidb64=uid, token=default_token_generator.make_token(user))
