from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from accounts.timezones import user_zone


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        # The backend's get_user reads the user cache; see UsernameOrEmailBackend.
        user = auth.get_user(request)
        if not user.is_authenticated and auth.SESSION_KEY in request.session:
            # The account was deactivated or deleted: end this session for good.
            request.session.flush()
        request._cached_user = user
    return request._cached_user


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's authentication middleware, reading the signed-in user from the user cache.

    `request.user` stays lazy: a request that never looks at it costs nothing.
    A signed-in request costs no user query while `user:id:{id}` is cached (30
    minutes; every change to the user clears it), and a deactivated or deleted
    user is signed out on their very next request.
    """

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


def preferences_activate(user: User) -> None:
    """Speak the user's language and show times in their time zone for the rest of this request."""
    translation.activate(user.language)
    timezone.activate(user_zone(user))


class UserPreferencesMiddleware:
    """A signed-in user gets their own language and time zone; a visitor their browser's language.

    LocaleMiddleware (earlier in the chain) has already chosen the visitor's
    language from the language cookie or Accept-Language; its response hook
    then reports whichever language is active in Content-Language. API
    requests signed with a bearer token get the same through
    CachedJWTAuthentication, since DRF resolves that user inside the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A thread serves many requests: never inherit the previous one's zone.
        timezone.deactivate()
        user = request.user
        if user.is_authenticated:
            preferences_activate(user)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
