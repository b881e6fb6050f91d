"""Cache invalidation only: a deleted account's cached companion replies are forgotten."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from accounts.models import User
from conversations.reply_cache import reply_cache_forget


@receiver(post_delete, sender=User, dispatch_uid="conversations.user_deleted")
def user_deleted(sender, instance: User, **kwargs) -> None:
    reply_cache_forget(user_id=instance.pk)
