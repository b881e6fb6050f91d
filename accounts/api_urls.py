from django.urls import path

from accounts import api, api_security

urlpatterns = [
    path("auth/register/", api.RegisterApi.as_view(), name="api-register"),
    path("auth/token/", api.TokenApi.as_view(), name="api-token"),
    path("auth/token/refresh/", api.TokenRefreshApi.as_view(), name="api-token-refresh"),
    path("auth/logout/", api.LogoutApi.as_view(), name="api-logout"),
    path("me/", api.MeApi.as_view(), name="api-me"),
    path("me/sessions/", api_security.SessionsApi.as_view(), name="api-me-sessions"),
    path("me/sessions/revoke-all/", api_security.SessionsRevokeAllApi.as_view(), name="api-me-sessions-revoke-all"),
    path("me/sessions/<int:sign_in_id>/", api_security.SessionApi.as_view(), name="api-me-session"),
    path("me/activity/", api_security.ActivityApi.as_view(), name="api-me-activity"),
    path("me/two-factor/", api_security.TwoFactorApi.as_view(), name="api-me-two-factor"),
    path("me/two-factor/setup/", api_security.TwoFactorSetupApi.as_view(), name="api-me-two-factor-setup"),
    path("me/two-factor/recovery-codes/", api_security.RecoveryCodesApi.as_view(),
         name="api-me-two-factor-recovery-codes"),
]
