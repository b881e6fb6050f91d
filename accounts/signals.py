"""Cache invalidation, and a new user's first data key: any change to a user forgets their cached row and data
(and, deleted, their keys)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.keys import data_key_first, keys_forget
from accounts.models import User
from accounts.services import user_cache_invalidate


@receiver(post_save, sender=User, dispatch_uid="accounts.user_saved")
def user_saved(sender, instance: User, created: bool = False, update_fields=None, **kwargs) -> None:
    if created and not kwargs.get("raw"):  # every user has a data key from the start (docs/encryption.md)
        data_key_first(user_id=instance.pk)
    # Signing in only moves last_login, which no other cached data depends on:
    # spare the pattern scan then.
    only_login = update_fields is not None and set(update_fields) == {"last_login"}
    user_cache_invalidate(user_id=instance.pk, everything=not only_login)


@receiver(post_delete, sender=User, dispatch_uid="accounts.user_deleted")
def user_deleted(sender, instance: User, **kwargs) -> None:
    user_cache_invalidate(user_id=instance.pk)
    keys_forget(user_id=instance.pk)
