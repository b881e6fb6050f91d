from rest_framework_simplejwt.authentication import JWTAuthentication


class CachedJWTAuthentication(JWTAuthentication):
    """Placeholder: JWT authentication that reads the user from the user cache (accounts issue)."""
