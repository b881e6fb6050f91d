from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        _document_bearer_auth_if_nobody_did()


def _document_bearer_auth_if_nobody_did() -> None:
    """Describe the project's JWT authentication in the OpenAPI schema, unless accounts already does.

    The accounts app owns that description; this only keeps the schema (and
    `check --deploy`) clean where the companion's API is installed without it.
    """
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    target = "accounts.authentication.CachedJWTAuthentication"
    if any(getattr(ext, "target_class", None) == target for ext in OpenApiAuthenticationExtension._registry):
        return
    from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme

    class CompanionBearerScheme(SimpleJWTScheme):
        target_class = target
