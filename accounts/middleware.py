from django.contrib.auth.middleware import AuthenticationMiddleware


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """Placeholder: reads the signed-in user from the user cache (accounts issue)."""


class UserPreferencesMiddleware:
    """Placeholder: activates the signed-in user's language and time zone (accounts issue)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
