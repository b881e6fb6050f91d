from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from accounts.middleware import preferences_activate
from accounts.selectors import user_get_cached
from journal_site.requester import bearer_token_checked


class CachedJWTAuthentication(JWTAuthentication):
    """Bearer-token authentication that reads the user from the user cache (`user:id:{id}`).

    A valid access token of a cached user costs no query; a deleted or
    deactivated user gets 401 at once, because every change to a user clears
    their cache entry. The user's language and time zone apply to the answer.
    """

    def authenticate(self, request):
        result = self._authenticate(request)
        if result is not None:
            preferences_activate(result[0])
            if request.META.get("HTTP_ACCEPT_LANGUAGE"):
                # An API client that names a language gets it; otherwise the user's setting.
                translation.activate(translation.get_language_from_request(request))
        return result

    def _authenticate(self, request):
        """simplejwt's authenticate, reusing the token the rate limiter already checked for this request."""
        header = self.get_header(request)
        if header is None:
            return None
        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None
        validated_token = bearer_token_checked(request._request, raw_token) or self.get_validated_token(raw_token)
        return self.get_user(validated_token), validated_token

    def get_user(self, validated_token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        user = user_get_cached(user_id=user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user
