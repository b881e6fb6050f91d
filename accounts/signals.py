"""Cache invalidation only: any change to a user forgets their cached row and data."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from accounts.services import user_cache_invalidate


@receiver(post_save, sender=User, dispatch_uid="accounts.user_saved")
def user_saved(sender, instance: User, update_fields=None, **kwargs) -> None:
    # Signing in only moves last_login, which no other cached data depends on:
    # spare the pattern scan then.
    only_login = update_fields is not None and set(update_fields) == {"last_login"}
    user_cache_invalidate(user_id=instance.pk, everything=not only_login)


@receiver(post_delete, sender=User, dispatch_uid="accounts.user_deleted")
def user_deleted(sender, instance: User, **kwargs) -> None:
    user_cache_invalidate(user_id=instance.pk)
