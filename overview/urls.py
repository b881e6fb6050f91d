from django.contrib import admin
from django.urls import path

from overview import views_status

app_name = "overview"
urlpatterns = [
    # Under /admin/, before the admin's own URLs; admin_view lets only admins in (journal_site/admin_site.py).
    path("admin/status/", admin.site.admin_view(views_status.status_page), name="status"),
    path("admin/status/test-email/", admin.site.admin_view(views_status.status_test_email), name="status_email"),
]
