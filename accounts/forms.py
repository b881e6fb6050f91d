from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import services, throttling, twofactor, usernames
from accounts.models import LANGUAGE_CHOICES, THEME_CHOICES, User, timezone_names, validate_timezone
from accounts.validators import (
    PASSWORD_NEEDED,
    PASSWORD_WRONG,
    password_needed,
    username_characters,
    validate_email_available,
    validate_username_available,
)
from accounts.widgets import TimeZoneSelect, timezone_choices


class SignUpForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[username_characters],
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}),
        help_text=_("Letters, digits and . + - _; you can sign in with it or with your email."),
    )
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # Filled in by static/js/accounts.js from the browser; UTC when absent or unknown.
    timezone = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-detect-timezone": ""}))

    def clean_username(self) -> str:
        username = usernames.normalize(self.cleaned_data["username"])
        validate_username_available(username)
        return username

    def clean_theme(self) -> str:
        return self.cleaned_data["theme"] or self.instance.theme

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        validate_email_available(email)
        return email

    def clean_timezone(self) -> str:
        value = self.cleaned_data.get("timezone") or ""
        return value if value in timezone_names() else "UTC"

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", ValidationError(_("The two passwords differ."), code="password_mismatch"))
        elif password1:
            candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ThrottledSignInMixin:
    """Sign-in through services.user_authenticate: throttled, with a clear message when refused."""

    throttled_seconds = 0

    def clean(self):
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier and password:
            try:
                self.user_cache = services.user_authenticate(
                    request=self.request, identifier=identifier, password=password
                )
            except services.SignInThrottled as refused:
                self.throttled_seconds = refused.wait_seconds
                raise ValidationError(throttling.signin_refusal(refused.wait_seconds), code="throttled") from None
            except services.InvalidCredentials:
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def get_invalid_login_error(self):
        return ValidationError(
            _("The username or email and password do not match an account. Passwords are case-sensitive."),
            code="invalid_login",
        )


class SignInForm(ThrottledSignInMixin, auth_forms.AuthenticationForm):
    username = forms.CharField(
        label=_("Username or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or email")
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        from accounts import twofactor

        if user is not None and twofactor.is_enabled(user):
            # The admin's form has no second step: such an account signs in on the journal's page first.
            raise ValidationError(
                _("This account uses two-step sign-in: sign in on the journal's sign-in page, then open the admin."),
                code="two_factor",
            )


def _check_throttled(user: User, password: str, wrong: str) -> None:
    """A password check that counts toward the sign-in locks (services.user_check_current_password)."""
    try:
        right = services.user_check_current_password(user=user, password=password)
    except services.SignInThrottled as refused:
        raise ValidationError(throttling.signin_refusal(refused.wait_seconds), code="throttled") from None
    if not right:
        raise ValidationError(wrong, code="password_incorrect")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def clean_old_password(self) -> str:
        password = self.cleaned_data["old_password"]
        _check_throttled(self.user, password, self.error_messages["password_incorrect"])
        return password

    def save(self, commit: bool = True) -> User:
        services.user_set_password(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class SetPasswordForm(auth_forms.SetPasswordForm):
    """A new password from a reset link; with two-step sign-in on, a code or a recovery code too.

    The reset link proves the mailbox; the code proves the second step, so a mailbox alone never
    opens an account that has it (docs/account-security.md).
    """

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request
        if user is not None and twofactor.is_enabled(user):
            self.fields["code"] = forms.CharField(
                label=_("Code"), max_length=32,
                help_text=_("Two-step sign-in is on: the 6 digits your authenticator app shows now, or one of "
                            "your recovery codes."),
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                              "spellcheck": "false"}),
            )

    def clean(self):
        cleaned = super().clean()
        if "code" in self.fields and not self.errors:
            try:
                accepted = twofactor.code_verify_throttled(request=self.request, user=self.user,
                                                           code=cleaned.get("code") or "")
            except twofactor.CodeThrottled as refused:
                self.add_error("code", throttling.signin_refusal(refused.wait_seconds))
            else:
                if not accepted:
                    self.add_error("code", _("The code is not right, or was already used."))
        return cleaned

    def save(self, commit: bool = True) -> User:
        services.user_set_password(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Queues the reset email after the commit, so the answer neither waits for mail nor reveals who exists."""

    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    def get_users(self, email: str):
        # lower(email) is indexed (uq_users_email_ci); emails are stored lower-cased.
        users = User.objects.filter(email__lower=email.strip().lower(), is_active=True)
        return (user for user in users if user.has_usable_password())

    def save(self, *, request, **kwargs) -> None:
        services.password_reset_send(
            user_ids=[user.pk for user in self.get_users(self.cleaned_data["email"])],
            base_url=request.build_absolute_uri("/"),
        )


class SettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=timezone_choices, validators=[validate_timezone],
        widget=TimeZoneSelect(attrs={"data-find-label": _("Find a time zone"),
                                     "data-find-placeholder": _("A city or country")}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    # Optional here so that a client sending the older set of fields keeps its theme.
    theme = forms.ChoiceField(label=_("Theme"), choices=THEME_CHOICES, required=False)
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change your email address or to let the companion read your entries."),
    )

    def __init__(self, *args, base_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = base_url

    class Meta:
        model = User
        fields = [
            "email", "language", "timezone", "help_country", "theme", "ai_can_read_entries", "reminder_enabled",
            "reminder_time",
        ]
        labels = {
            "email": _("Email"),
            "theme": _("Theme"),
            "ai_can_read_entries": _("The companion may read my recent entries"),
            "reminder_enabled": _("Send me a daily reminder to write"),
            "reminder_time": _("Reminder time"),
            "help_country": _("Help lines for"),
        }
        help_texts = {
            "ai_can_read_entries": _(
                "Off by default. When on, the companion sees your last few entries (except those you exclude) "
                "so its answers can follow your days."
            ),
            "reminder_time": _("Your local time, in the time zone above."),
            "help_country": _(
                "The crisis lines the companion and your diary offer when something you write sounds like you "
                "are not safe."
            ),
        }
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        validate_email_available(email, exclude_user_id=self.instance.pk)
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reminder_enabled") and not cleaned.get("reminder_time"):
            self.add_error("reminder_time", _("Choose when the reminder should come."))
        if not self.errors and password_needed(user=self.instance, data=cleaned):
            self.check_current_password(cleaned.get("current_password") or "")
        return cleaned

    def check_current_password(self, password: str) -> None:
        if not password:
            self.add_error("current_password", ValidationError(PASSWORD_NEEDED, code="required"))
            return
        try:
            right = services.user_check_current_password(user=self.instance, password=password)
        except services.SignInThrottled as refused:
            message = throttling.signin_refusal(refused.wait_seconds)
            self.add_error("current_password", ValidationError(message, code="throttled"))
            return
        if not right:
            self.add_error("current_password", ValidationError(PASSWORD_WRONG, code="password_incorrect"))

    def _post_clean(self):
        # Validate the fields but leave the instance (often the cached user) untouched until save().
        pass

    def save(self, commit: bool = True) -> User:
        return services.user_update(user=self.instance, data=self.cleaned_data, base_url=self.base_url)


class PasswordConfirmationForm(forms.Form):
    """A form that asks for the signed-in user's own password before a grave change."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        _check_throttled(self.user, password, _("The password is not right."))
        return password


class DeleteAccountForm(PasswordConfirmationForm):
    """The danger zone: the password again before everything is deleted."""


class PreferencesForm(forms.Form):
    """The footer's one-press switches: a language or a theme, whichever was pressed."""

    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    theme = forms.ChoiceField(choices=THEME_CHOICES, required=False)
