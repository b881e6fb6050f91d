import functools
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
        return self.get(username__lower=username.lower())

    def create_user(self, username: str, email: str, password: str | None = None, **extra) -> "User":
        user = self.model(username=username, email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

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
