"""simplejwt's token backend, verifying with SECRET_KEY_FALLBACKS too.

simplejwt signs and verifies with one key. After a SECRET_KEY rotation the
old key moves to SECRET_KEY_FALLBACKS: new tokens are signed with the new key,
and tokens signed with an old one keep working for their lifetime (5 minutes
for access, 7 days for refresh), like Django's sessions and password-reset
links (docs/operations-consistency.md).
"""

import jwt
from django.conf import settings
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError


class FallbackKeysTokenBackend(TokenBackend):
    def decode(self, token, verify: bool = True):
        try:
            return super().decode(token, verify=verify)
        except TokenBackendError as error:
            if not verify or not isinstance(error.__cause__, jwt.InvalidSignatureError):
                raise
            for key in getattr(settings, "SECRET_KEY_FALLBACKS", ()):
                try:
                    return self._with_key(key).decode(token, verify=True)
                except TokenBackendError as fallback_error:
                    if not isinstance(fallback_error.__cause__, jwt.InvalidSignatureError):
                        raise
            raise

    def _with_key(self, key: str) -> TokenBackend:
        return TokenBackend(
            self.algorithm, key, "", self.audience, self.issuer, None, self.leeway, self.json_encoder
        )


def install() -> None:
    """Replace the backend every simplejwt token class looks up by name (rest_framework_simplejwt.state)."""
    from rest_framework_simplejwt import state

    current = state.token_backend
    if isinstance(current, FallbackKeysTokenBackend):
        return
    state.token_backend = FallbackKeysTokenBackend(
        current.algorithm,
        current.signing_key,
        current.verifying_key or "",
        current.audience,
        current.issuer,
        None,
        current.leeway,
        current.json_encoder,
    )
