"""The API of the account's protections: where you are signed in, and the activity log."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import activity, devices
from accounts.models import ActivityEvent, SignIn


class SignInSerializer(serializers.ModelSerializer):
    device = serializers.CharField(source="user_agent")
    place = serializers.CharField(source="address", help_text="the address's network: IPv4 /24, IPv6 /48")
    current = serializers.SerializerMethodField()

    class Meta:
        model = SignIn
        fields = ["id", "kind", "created_at", "last_used_at", "device", "place", "current"]

    def get_current(self, row: SignIn) -> bool:
        return row.key == self.context.get("current")


class SessionsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SignInSerializer(many=True))
    def get(self, request):
        """Browsers and apps signed in to this account, most recently used first (at most 100)."""
        rows = devices.sign_in_list(user=request.user)
        return Response(SignInSerializer(rows, many=True, context={"current": devices.current_key(request)}).data)


class SessionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, sign_in_id: int):
        """Sign this browser or app out now (another user's id is a 404)."""
        row = devices.sign_in_get_for_user(user=request.user, sign_in_id=sign_in_id)
        devices.sign_in_revoke(sign_in=row)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionsRevokeAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=inline_serializer("Revoked", {"revoked": serializers.IntegerField()}))
    def post(self, request):
        """Sign out every other browser and app; the one making this request stays signed in."""
        count = devices.sign_in_revoke_others(user=request.user, keep_key=devices.current_key(request))
        return Response({"revoked": count}, status=status.HTTP_200_OK)


class ActivitySerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_kind_display")
    device = serializers.CharField(source="user_agent")
    place = serializers.CharField(source="address")

    class Meta:
        model = ActivityEvent
        fields = ["id", "kind", "label", "created_at", "place", "device", "details"]


class ActivityPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = activity.PAGE_SIZE
    page_size_query_param = "limit"
    max_page_size = 100


class ActivityApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "ActivityPage",
            {
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": ActivitySerializer(many=True),
            },
        )
    )
    def get(self, request):
        """What happened to this account, newest first, kept a year (cursor pages, `limit` 1-100)."""
        paginator = ActivityPagination()
        page = paginator.paginate_queryset(activity.activity_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(ActivitySerializer(page, many=True).data)
