from django.contrib import admin

from accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "email", "is_active", "is_admin", "created_at", "last_login"]
    list_filter = ["is_active", "is_admin", "created_at"]
    search_fields = ["username", "email"]
    ordering = ["-created_at"]
    show_full_result_count = False
    exclude = ["password"]
    readonly_fields = ["last_login", "created_at"]
