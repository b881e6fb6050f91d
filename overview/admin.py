"""The Django admin for users: find, inspect and (de)activate accounts, never read a journal.

It lives above the apps whose counts it shows (docs/architecture.md).

Admins see per-user counts and times of entries and messages, not their
text: no diary or conversation model is registered here, and neither are the
refresh-token tables (a token is a key to someone's journal).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import activity, services
from accounts.forms import AdminSignInForm
from accounts.models import ActivityEvent, Invite, SiteSettings, User
from accounts.selectors import user_search_condition
from conversations.models import ConversationHistory
from diary.models import Attachment, DiaryEntry
from overview import selectors

admin.site.login_form = AdminSignInForm

# Groups mean nothing here: one is_admin switch grants the admin.
for model in (OutstandingToken, BlacklistedToken, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class LargeTablePaginator(Paginator):
    """Never counts a whole large table.

    Unfiltered on PostgreSQL, the planner's estimate answers at once; otherwise
    the count stops at COUNT_LIMIT (the admin then shows that many).
    """

    COUNT_LIMIT = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [User._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] > self.COUNT_LIMIT:
                return int(row[0])
        return queryset.order_by().values("pk")[: self.COUNT_LIMIT].count()


def _admin_logged(request, user_ids: list[int], action: str, **details) -> None:
    """Every admin change to an account goes into that account's own activity log."""
    for user_id in user_ids:
        activity.activity_record(
            user_id=user_id,
            kind=ActivityEvent.ADMIN_ACTION,
            details={"action": action, "admin": request.user.username, **details},
            request=request,
        )


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = [
        "username",
        "email",
        "is_active",
        "is_admin",
        "created_at",
        "last_login",
        "entries",
        "messages",
        "last_activity",
    ]
    list_filter = ["is_active", "is_admin", "created_at"]
    search_fields = ["username", "email"]
    search_help_text = _("The beginning of a username or email address.")
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    paginator = LargeTablePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts would count the whole table per filter choice
    actions = ["activate_users", "deactivate_users"]
    fields = [
        "username",
        "email",
        "is_active",
        "is_admin",
        "language",
        "timezone",
        "ai_can_read_entries",
        "reminder_enabled",
        "reminder_time",
        "created_at",
        "last_login",
        "activity",
    ]
    # The email is where a password reset goes, and the consent is the user's to give: an admin
    # who could change either could take over an account or open its entries to the companion.
    readonly_fields = ["email", "ai_can_read_entries", "created_at", "last_login", "activity"]

    def get_queryset(self, request):
        return selectors.user_list_for_admin()

    def get_search_results(self, request, queryset, search_term):
        # Prefix search on lower(username) and lower(email); never a full-table LIKE '%...%'.
        condition = user_search_condition(search=search_term)
        return (queryset.filter(condition) if condition else queryset), False

    def has_add_permission(self, request) -> bool:
        # People sign up themselves; an admin never learns or sets their password.
        return False

    @admin.display(description=_("entries"), ordering="entry_count")
    def entries(self, user: User) -> int:
        return user.entry_count

    @admin.display(description=_("messages"), ordering="message_count")
    def messages(self, user: User) -> int:
        return user.message_count

    @admin.display(description=_("last activity"))
    def last_activity(self, user: User):
        return selectors.user_last_activity(user)

    @admin.display(description=_("activity"))
    def activity(self, user: User) -> str:
        moment = selectors.user_last_activity(user)
        return _("%(entries)d entries, %(messages)d messages; last active %(when)s") % {
            "entries": user.entry_count,
            "messages": user.message_count,
            "when": moment.strftime("%Y-%m-%d %H:%M UTC") if moment else _("never"),
        }

    def save_model(self, request, obj: User, form, change: bool) -> None:
        super().save_model(request, obj, form, change)  # the save clears the user cache
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.user_tokens_revoke(user_id=obj.pk)
        if change and form.changed_data:
            _admin_logged(request, [obj.pk], "change", fields=sorted(form.changed_data))

    @admin.action(description=_("Activate the selected users"))
    def activate_users(self, request, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = services.user_set_active(user_ids=ids, active=True)
        _admin_logged(request, ids, "activate")
        self.message_user(
            request, ngettext("%(count)d user activated.", "%(count)d users activated.", count) % {"count": count}
        )

    @admin.action(description=_("Deactivate the selected users"))
    def deactivate_users(self, request, queryset) -> None:
        ids = [pk for pk in queryset.values_list("pk", flat=True) if pk != request.user.pk]
        if len(ids) < queryset.count():
            self.message_user(request, _("You cannot deactivate yourself."), messages.WARNING)
        count = services.user_set_active(user_ids=ids, active=False)
        _admin_logged(request, ids, "deactivate")
        self.message_user(
            request,
            ngettext("%(count)d user deactivated.", "%(count)d users deactivated.", count) % {"count": count},
        )

    def get_deleted_objects(self, objs, request):
        """Summarise what goes with each user in counts; never list entry titles or messages."""
        users = list(objs)
        ids = [user.pk for user in users]
        entries = DiaryEntry.objects.filter(user_id__in=ids).aggregate(n=Count("id"))["n"]
        conversation = ConversationHistory.objects.filter(user_id__in=ids).aggregate(n=Count("id"))["n"]
        photos = Attachment.objects.filter(user_id__in=ids).aggregate(n=Count("id"))["n"]
        model_count = {
            User._meta.verbose_name_plural: len(users),
            DiaryEntry._meta.verbose_name_plural: entries,
            Attachment._meta.verbose_name_plural: photos,
            _("conversation messages"): conversation,
        }
        return [str(user) for user in users], model_count, set(), []

    def delete_model(self, request, obj: User) -> None:
        services.user_delete(user=obj)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            services.user_delete(user=user)


# --- Who may sign up (docs/operations.md, Sign-up) ----------------------------------------------------


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """The one row of site settings: whether sign-up is open, by invitation or closed."""

    def has_add_permission(self, request) -> bool:
        return False  # the one row is made when the list is opened (changelist_view)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row = SiteSettings.current()  # made on first sight, so there is always one to change
        return redirect("admin:accounts_sitesettings_change", settings_row.pk)


class InviteForm(forms.ModelForm):
    days = forms.IntegerField(
        label=_("valid for (days)"), min_value=1, max_value=90, initial=Invite.VALID_DAYS
    )

    class Meta:
        model = Invite
        fields = ["note"]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    """Sign-up links: each used once, until it expires. The link is shown once, when it is made."""

    form = InviteForm
    list_display = ["__str__", "created_at", "expires_at", "state", "used_by"]
    readonly_fields = ["created_by", "created_at", "expires_at", "used_at", "used_by"]
    ordering = ["-created_at"]

    def get_fields(self, request, obj=None):
        return ["note", "days"] if obj is None else ["note", *self.readonly_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.modelform_factory(Invite, fields=["note"])
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.used_at is None)

    @admin.display(description=_("state"))
    def state(self, invite: Invite) -> str:
        if invite.used_at is not None:
            return _("used")
        return _("open") if invite.usable() else _("expired")

    def save_model(self, request, obj: Invite, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token = services.invite_prepare(obj, by=request.user, days=form.cleaned_data["days"])
        super().save_model(request, obj, form, change)
        link = request.build_absolute_uri(reverse("accounts:signup_invite", args=[token]))
        messages.warning(
            request,
            format_html(_("Send this sign-up link now; it is shown only this once: {}"), link),
        )
