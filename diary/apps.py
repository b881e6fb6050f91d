from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    name = "diary"
    verbose_name = _("Diary")

    def ready(self) -> None:
        from diary import signals  # noqa: F401 - registers the statistics cache receivers

        _document_bearer_auth_if_nobody_did()


def _document_bearer_auth_if_nobody_did() -> None:
    """Describe the project's JWT authentication in the OpenAPI schema, unless accounts already does.

    The accounts app owns that description (and registers it first, being
    installed first); this only keeps the schema and `check --deploy` clean
    where the diary's API runs without it.
    """
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    target = "accounts.authentication.CachedJWTAuthentication"
    if any(getattr(ext, "target_class", None) == target for ext in OpenApiAuthenticationExtension._registry):
        return
    from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme

    class DiaryBearerScheme(SimpleJWTScheme):
        target_class = target
