"""Rules for new and changed accounts, shared by the pages and the API."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import User

# No "@": a name with one could not be told apart from an email at sign-in.
username_characters = RegexValidator(
    r"^[\w.+-]+\Z",
    _("Use only letters, digits and the characters . + - _ (no spaces and no @)."),
    code="invalid_username",
)


def validate_username_available(value: str) -> None:
    if User.objects.filter(username__lower=value.lower()).exists():
        raise ValidationError(_("This username is taken."), code="username_taken")


def validate_email_available(value: str, *, exclude_user_id: int | None = None) -> None:
    others = User.objects.filter(email__lower=value.lower())
    if exclude_user_id is not None:
        others = others.exclude(pk=exclude_user_id)
    if others.exists():
        raise ValidationError(_("An account with this email address already exists."), code="email_taken")
