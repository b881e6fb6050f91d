"""Forms of the account's protections: the two-step sign-in code and turning two-step sign-in off."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PasswordConfirmationForm


def _code_field(**extra) -> forms.CharField:
    return forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        **extra,
    )


class CodeForm(forms.Form):
    code = _code_field(
        help_text=_("The 6 digits your authenticator app shows now, or one of your recovery codes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["autofocus"] = True


class ConfirmCodeForm(PasswordConfirmationForm):
    """Turning two-step sign-in on: the password first (a stolen session alone cannot lock the owner out
    with an authenticator of its own), then a code from the new secret."""

    code = _code_field(help_text=_("The 6 digits your authenticator app shows after adding the journal."))
    sign_out_others = forms.BooleanField(
        label=_("Sign out every other device and app"), required=False, initial=True,
        help_text=_("Anyone signed in elsewhere has to sign in again, with a code."),
    )


class DisableTwoFactorForm(PasswordConfirmationForm):
    code = _code_field(help_text=_("From your authenticator app, or a recovery code."))
