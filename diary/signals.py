"""Cache invalidation (statistics never outlive a change to the entries they count), and erasing a
deleted account's photo files.

The diary's services call `user_stats_invalidate` themselves; this receiver
also catches saves made elsewhere (admin, shell, data migrations). There is
deliberately no delete receiver: any delete signal on DiaryEntry would stop
Django from deleting a user's entries in one statement when an account is
deleted (it would load every row first). Deletes go through the services.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from accounts.services import user_cached_data_forget
from diary.attachments import user_files_delete
from diary.cache import user_stats_forget, user_stats_invalidate
from diary.models import DiaryEntry


@receiver(post_save, sender=DiaryEntry, dispatch_uid="diary.stats_on_entry_save")
def stats_on_entry_save(sender, instance: DiaryEntry, **kwargs) -> None:
    user_stats_invalidate(user_id=instance.user_id)


@receiver(user_cached_data_forget, dispatch_uid="diary.stats_on_user_forget")
def stats_on_user_forget(sender, user_id: int, **kwargs) -> None:
    """A user's data changed in a way statistics may show (time zone, language) or the account went."""
    user_stats_forget(user_id=user_id)


@receiver(post_delete, sender=User, dispatch_uid="diary.photos_on_user_delete")
def photos_on_user_delete(sender, instance: User, **kwargs) -> None:
    """An account's photo files are erased once its rows are gone for good (docs/photos.md, Erasure).

    On User, not on the photos: a receiver on Attachment would make Django load every row of a
    deleted account to send it.
    """
    user_id = instance.pk
    transaction.on_commit(lambda: user_files_delete(user_id=user_id))
