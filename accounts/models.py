import functools
import zoneinfo
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import usernames
from accounts.keys import SealedTextField
from care.helplines import COUNTRY_CHOICES

LANGUAGE_CHOICES = [("en", "English"), ("pl", "Polski")]
THEME_CHOICES = [("system", _("as the device")), ("light", _("light")), ("dark", _("dark"))]


@functools.cache
def timezone_names() -> frozenset[str]:
    """The IANA time zone names; reading them walks the zone files, so it is done once."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value})


class UserManager(BaseUserManager):
    def get_by_natural_key(self, username: str) -> "User":
        return self.get(username_key=usernames.key(username))

    def create_user(self, username: str, email: str, password: str | None = None, **extra) -> "User":
        user = self.model(username=usernames.normalize(username), email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(), which keeps the key: fill it here (seed and benchmark commands use it).
        objs = list(objs)
        for user in objs:
            user.username_key = usernames.key(user.username)
        return super().bulk_create(objs, *args, **kwargs)

    def create_superuser(self, username: str, email: str, password: str | None = None, **extra) -> "User":
        extra["is_admin"] = True
        return self.create_user(username, email, password, **extra)


class User(AbstractBaseUser):
    """A journal user.

    Usernames and emails are unique regardless of letter case; emails are
    stored lower-cased. ``is_admin`` grants the Django admin, and ``is_staff``
    is derived from it so there is one switch, not two.
    """

    username = models.CharField(_("username"), max_length=150)
    # usernames.key(username), kept by save(): how sign-in and sign-up compare names.
    username_key = models.CharField(max_length=450, editable=False)
    email = models.EmailField(_("email"), max_length=254)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)
    is_admin = models.BooleanField(_("admin"), default=False)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="en")
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_timezone])
    # Applied as a class on <html> (templates/base.html); "system" follows prefers-color-scheme.
    theme = models.CharField(_("theme"), max_length=6, choices=THEME_CHOICES, default="system")
    ai_can_read_entries = models.BooleanField(_("the companion may read my recent entries"), default=False)
    reminder_enabled = models.BooleanField(_("daily reminder"), default=False)
    reminder_time = models.TimeField(_("reminder time"), null=True, blank=True)
    reminder_last_sent_on = models.DateField(null=True, blank=True, editable=False)
    # Whose crisis help lines to show; "" follows the time zone (care/helplines.py, docs/care.md).
    help_country = models.CharField(_("help lines for"), max_length=2, blank=True, default="",
                                    choices=COUNTRY_CHOICES)
    # Bytes (UTF-8) of the titles and texts of the user's entries, kept by every write against
    # ACCOUNT_TEXT_BUDGET_BYTES (diary.services, docs/limits.md).
    text_bytes = models.BigIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        db_table = "users"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            models.Index(fields=["username"], name="ix_users_username"),
            models.Index(fields=["email"], name="ix_users_email"),
            models.Index(fields=["created_at"], name="ix_users_created_at"),
            models.Index(fields=["is_active"], name="ix_users_is_active"),
            models.Index(fields=["is_admin"], name="ix_users_is_admin"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="uq_users_username_ci"),
            models.UniqueConstraint(Lower("email"), name="uq_users_email_ci"),
            models.UniqueConstraint(fields=["username_key"], name="uq_users_username_key"),
            models.CheckConstraint(condition=models.Q(language__in=["en", "pl"]), name="ck_users_language"),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def is_staff(self) -> bool:
        return self.is_admin

    def has_perm(self, perm: str, obj=None) -> bool:
        return self.is_active and self.is_admin

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and self.is_admin

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def save(self, *args, **kwargs) -> None:
        # A derived column, not logic: the key must follow the name however it is saved.
        self.username_key = usernames.key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        super().save(*args, **kwargs)


class EmailChange(models.Model):
    """A change of an account's email address: asked for, confirmed from the new address (only then does it
    take effect), and for a week undoable from the old one (docs/account-security.md).

    While a change can be undone, the old address cannot be taken by another
    account, so the undo always has somewhere to go back to.
    """

    UNDO_MAX_AGE = timedelta(days=7)
    CONFIRM_MAX_AGE = timedelta(days=3)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    old_email = models.EmailField(max_length=254)
    new_email = models.EmailField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    # When the new address confirmed it; until then the account keeps the old address.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When it was undone, cancelled by a later request, or settled by the owner securing the account.
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "email_changes"
        indexes = [
            models.Index(fields=["user"], name="ix_email_changes_user_id"),
            models.Index(fields=["old_email"], name="ix_email_changes_old_email"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: email changed {self.created_at:%Y-%m-%d %H:%M}"


# --- Sign-ins, two-step sign-in and the activity log (docs/account-protection.md) ------------------------


class SignIn(models.Model):
    """One place the user is signed in: a browser session or an API client (a refresh-token family).

    `key` is the SHA-256 of the session key for a browser and the family id
    carried in the refresh tokens for an API client; `secret` is what ends it:
    the session key encrypted with SECRET_KEY for a browser, the family's
    current refresh-token id for an API client. Neither is ever shown.
    """

    BROWSER = "browser"
    API = "api"
    KIND_CHOICES = [(BROWSER, _("browser")), (API, _("app"))]

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_ins")
    kind = models.CharField(max_length=8, choices=KIND_CHOICES)
    key = models.CharField(max_length=64, unique=True)
    secret = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=120, blank=True, default="")
    address = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        db_table = "account_sign_ins"
        indexes = [models.Index(fields=["user", "last_used_at"], name="ix_account_sign_ins_user_used")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class TwoFactor(models.Model):
    """A confirmed authenticator (TOTP); the row exists only while two-step sign-in is on."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = SealedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    # The last 30-second step a code was accepted for: a code works once.
    last_step = models.BigIntegerField(default=0)

    class Meta:
        db_table = "account_two_factor"

    def __str__(self) -> str:
        return f"authenticator of user {self.user_id}"


class RecoveryCode(models.Model):
    """A one-time code for when the authenticator is lost; only its SHA-256 is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "account_recovery_codes"
        indexes = [models.Index(fields=["user", "code_hash"], name="ix_account_recovery_user_hash")]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class ActivityEvent(models.Model):
    """What happened to an account, for its owner to read; rows are only ever added and expired."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    EXPORT = "export"
    EMAIL_CHANGED = "email_changed"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105  # nosec B105 - an event name
    CONSENT_CHANGED = "consent_changed"
    TWO_FACTOR_ENABLED = "two_factor_enabled"
    TWO_FACTOR_DISABLED = "two_factor_disabled"
    RECOVERY_CODE_USED = "recovery_code_used"
    SIGN_IN_REVOKED = "sign_in_revoked"
    TOKEN_REUSED = "token_reused"  # noqa: S105  # nosec B105 - an event name
    ADMIN_ACTION = "admin_action"
    KIND_CHOICES = [
        (SIGN_IN, _("Signed in")),
        (SIGN_IN_FAILED, _("Failed sign-in")),
        (SIGN_OUT, _("Signed out")),
        (EXPORT, _("Data exported")),
        (EMAIL_CHANGED, _("Email changed")),
        (PASSWORD_CHANGED, _("Password changed")),
        (CONSENT_CHANGED, _("Companion consent changed")),
        (TWO_FACTOR_ENABLED, _("Two-step sign-in turned on")),
        (TWO_FACTOR_DISABLED, _("Two-step sign-in turned off")),
        (RECOVERY_CODE_USED, _("Recovery code used")),
        (SIGN_IN_REVOKED, _("Device signed out")),
        (TOKEN_REUSED, _("Reused app token: app signed out")),
        (ADMIN_ACTION, _("Changed by an administrator")),
    ]

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activity")
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)
    address = models.CharField(max_length=64, blank=True, default="")
    user_agent = models.CharField(max_length=120, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "account_activity"
        indexes = [
            models.Index(fields=["user", "created_at", "id"], name="ix_account_activity_user_time"),
            models.Index(fields=["created_at"], name="ix_account_activity_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class DataKey(models.Model):
    """One of a user's data keys, kept only wrapped by a key-encryption key (docs/encryption.md).

    The newest version seals new text; older versions open what was sealed before a rotation
    until the user's rows are sealed again. Deleting the user deletes their keys with their rows.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_keys")
    version = models.PositiveSmallIntegerField()
    kek_version = models.PositiveSmallIntegerField()
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "account_data_keys"
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="uq_account_data_keys_user_version"),
        ]

    def __str__(self) -> str:
        return f"data key {self.version} of user {self.user_id}"


# --- Who may sign up (docs/operations.md, Sign-up) ---------------------------------------------------


class SignUpMode(models.TextChoices):
    OPEN = "open", _("open: anyone may sign up")
    INVITE = "invite", _("by invitation: only with a link an admin made")
    CLOSED = "closed", _("closed: nobody may sign up")


class SiteSettings(models.Model):
    """The site's one row of settings an admin changes in the admin (not in the environment)."""

    sign_up = models.CharField(_("sign-up"), max_length=10, choices=SignUpMode.choices, default=SignUpMode.OPEN)

    class Meta:
        db_table = "site_settings"
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(_("site settings"))

    @classmethod
    def current(cls) -> "SiteSettings":
        return cls.objects.get_or_create(pk=1)[0]


class Invite(models.Model):
    """A sign-up link made by an admin: used once, until it expires. Only a hash of its token is kept."""

    VALID_DAYS = 7

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    note = models.CharField(_("for"), max_length=200, blank=True, help_text=_("who it is for, as a reminder"))
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True, editable=False)
    used_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        db_table = "account_invites"
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.note or f"invitation {self.pk}"

    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
