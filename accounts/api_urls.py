from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/register/", api.RegisterApi.as_view(), name="api-register"),
    path("auth/token/", api.TokenApi.as_view(), name="api-token"),
    path("auth/token/refresh/", api.TokenRefreshApi.as_view(), name="api-token-refresh"),
    path("auth/logout/", api.LogoutApi.as_view(), name="api-logout"),
    path("me/", api.MeApi.as_view(), name="api-me"),
    path("admin/users/", api.AdminUsersApi.as_view(), name="api-admin-users"),
]
