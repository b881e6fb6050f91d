"""The Django admin, refusing signed-in non-admins with 403.

Django's own admin sends anyone without admin rights to its sign-in form,
even a person who is signed in as an ordinary user. Here such a person gets
403: they are known and not allowed, and the sign-in form would only invite
them to try other passwords. Visitors who are not signed in still get the
admin's sign-in form.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied


class JournalAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        guarded_view = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return guarded_view(request, *args, **kwargs)

        return update_wrapper(inner, guarded_view)


class JournalAdminConfig(AdminConfig):
    default_site = "journal_site.admin_site.JournalAdminSite"
