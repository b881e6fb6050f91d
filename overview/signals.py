"""The site statistics are refreshed after each sign-up, with the account's own commit."""

from django.dispatch import receiver

from accounts.services import user_registered
from journal_site import outbox
from overview.tasks import refresh_stats_overview


@receiver(user_registered, dispatch_uid="overview.user_registered")
def user_registered_refresh_stats(sender, user, **kwargs) -> None:
    outbox.enqueue(refresh_stats_overview)
