"""Rules for new and changed accounts, shared by the pages and the API."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import usernames
from accounts.models import EmailChange, User

_USERNAME_MESSAGES = {
    # No "@": a name with one could not be told apart from an email at sign-in.
    "characters": _("Use only letters, digits and the characters . + - _ (no spaces and no @)."),
    "invisible": _("The name holds a character that cannot be seen. Use only letters, digits and . + - _."),
    "scripts": _("Use the letters of one alphabet: Latin, Greek and Cyrillic letters look alike and cannot be mixed."),
    "length": _("Use at most 150 characters."),
}


def username_characters(value: str) -> None:
    """Letters and digits of any script and `. + - _`; no invisible characters, no Latin/Greek/Cyrillic mix."""
    problem = usernames.problem(usernames.normalize(value))
    if problem:
        raise ValidationError(_USERNAME_MESSAGES[problem], code="invalid_username")


def validate_username_available(value: str) -> None:
    """Taken means an account has the same name by usernames.key: any case, width or look-alike letters."""
    if User.objects.filter(username_key=usernames.key(value)).exists():
        raise ValidationError(_("This username is taken."), code="username_taken")


def validate_email_available(value: str, *, exclude_user_id: int | None = None) -> None:
    """Free means no account has it, and no account changed away from it recently (it may be undone)."""
    others = User.objects.filter(email__lower=value.lower())
    reserved = EmailChange.objects.filter(
        old_email=value.lower(), undone_at__isnull=True, created_at__gt=timezone.now() - EmailChange.UNDO_MAX_AGE
    )
    if exclude_user_id is not None:
        others = others.exclude(pk=exclude_user_id)
        reserved = reserved.exclude(user_id=exclude_user_id)
    if others.exists() or reserved.exists():
        raise ValidationError(_("An account with this email address already exists."), code="email_taken")


def password_needed(*, user: User, data: dict) -> bool:
    """Whether a profile change needs the current password: a new email, or the companion allowed to read entries."""
    new_email = "email" in data and data["email"] != user.email
    consent_on = bool(data.get("ai_can_read_entries")) and not user.ai_can_read_entries
    return new_email or consent_on


PASSWORD_NEEDED = _("Enter your current password to change your email address or let the companion read your entries.")
PASSWORD_WRONG = _("The password is not right.")
