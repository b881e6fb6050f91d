from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
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

BACKEND = "accounts.backends.UsernameOrEmailBackend"


def _posted(request: HttpRequest):
    """The submitted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(_posted(request))
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
            )
        except services.RegistrationConflict as conflict:
            form.add_error(None, conflict.message)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome! Your journal is ready."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


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
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        if form.throttled_seconds:
            response.status_code = 429
            response["Retry-After"] = str(form.throttled_seconds)
        return response


class SignOutView(auth_views.LogoutView):
    """Django's sign-out (POST only), saying so on the next page."""

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            # The session is gone; the message travels in the messages cookie.
            messages.info(request, _("You are signed out. See you soon."))
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
    form = SettingsForm(_posted(request), instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        messages.success(request, _("Your settings were saved."))
        return _language_cookie(HttpResponseRedirect(reverse("accounts:settings")), user.language)
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "delete_form": DeleteAccountForm(user=request.user)},
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
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)
