"""The admin's user list over the API: users with their counts, and the site statistics."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from journal_site.pagination import CreatedAtCursorPagination
from overview import selectors


class IsJournalAdmin(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_admin)


class AdminUserSerializer(serializers.ModelSerializer):
    entry_count = serializers.IntegerField()
    message_count = serializers.IntegerField()
    last_activity = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "is_active",
            "is_admin",
            "language",
            "created_at",
            "last_login",
            "entry_count",
            "message_count",
            "last_activity",
        ]

    def get_last_activity(self, user: User) -> str | None:
        moment = selectors.user_last_activity(user)
        return serializers.DateTimeField().to_representation(moment) if moment else None


class AdminUserPagination(CreatedAtCursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _per_day_schema(name: str):
    return inline_serializer(name, {"date": serializers.DateField(), "count": serializers.IntegerField()}, many=True)


class AdminUsersApi(APIView):
    permission_classes = [IsJournalAdmin]

    @extend_schema(
        responses=inline_serializer(
            "AdminUsers",
            {
                "users": inline_serializer(
                    "AdminUserPage",
                    {
                        "next": serializers.URLField(allow_null=True),
                        "previous": serializers.URLField(allow_null=True),
                        "results": AdminUserSerializer(many=True),
                    },
                ),
                "stats": inline_serializer(
                    "StatsOverview",
                    {
                        "users_total": serializers.IntegerField(),
                        "users_active": serializers.IntegerField(),
                        "users_new_this_week": serializers.IntegerField(),
                        "entries_per_day": _per_day_schema("EntriesPerDay"),
                        "messages_per_day": _per_day_schema("MessagesPerDay"),
                        "computed_at": serializers.DateTimeField(),
                    },
                ),
            },
        )
    )
    def get(self, request):
        """Users newest first (cursor pages, no full count) with per-user counts, and the site statistics."""
        active = {"true": True, "false": False}.get(request.query_params.get("is_active", "").lower())
        queryset = selectors.user_list_for_admin(search=request.query_params.get("q", "")[:150], is_active=active)
        paginator = AdminUserPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return Response(
            {
                "users": {
                    "next": paginator.get_next_link(),
                    "previous": paginator.get_previous_link(),
                    "results": AdminUserSerializer(page, many=True).data,
                },
                "stats": selectors.stats_overview_get(),
            }
        )
