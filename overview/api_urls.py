from django.urls import path

from overview import api

urlpatterns = [
    path("admin/users/", api.AdminUsersApi.as_view(), name="api-admin-users"),
]
