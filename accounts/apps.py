from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import devices, lookups, schema, signals, token_backend  # noqa: F401
        from accounts.selectors import user_cache_key
        from journal_site import prefetch

        token_backend.install()
        # The signed-in user is read with the rate limiter's round trip.
        prefetch.register_user_key(lambda user_id: user_cache_key(user_id=user_id))
