"""The API of the account's protections: where you are signed in, and the activity log."""

from django.core import signing
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import activity, devices, twofactor
from accounts.api import password_checked
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


# --- Two-step sign-in (docs/account-protection.md) -----------------------------------------------------

TWO_FACTOR_SETUP_SALT = "accounts.two-factor-setup"
TWO_FACTOR_SETUP_MAX_AGE = 15 * 60
BAD = OpenApiResponse(description="a field is missing or not right (the password, the code, the setup token)")
LOCKED = OpenApiResponse(description="too many wrong passwords or codes: try again after Retry-After seconds")


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, max_length=4096)


class TwoFactorOnSerializer(PasswordSerializer):
    setup_token = serializers.CharField(max_length=500, help_text="from POST /me/two-factor/setup/")
    code = serializers.CharField(max_length=32)
    sign_out_others = serializers.BooleanField(default=True)


class TwoFactorOffSerializer(PasswordSerializer):
    code = serializers.CharField(max_length=32, help_text="from the authenticator app, or a recovery code")


class TwoFactorApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=inline_serializer("TwoFactorState", {
        "enabled": serializers.BooleanField(), "recovery_codes_left": serializers.IntegerField()}))
    def get(self, request):
        """Whether two-step sign-in is on, and how many unused recovery codes are left."""
        return Response({"enabled": twofactor.is_enabled(request.user),
                         "recovery_codes_left": twofactor.recovery_codes_left(request.user)})

    @extend_schema(request=TwoFactorOnSerializer, responses={201: inline_serializer(
        "RecoveryCodes", {"recovery_codes": serializers.ListField(child=serializers.CharField())}),
        400: BAD, 429: LOCKED})
    def post(self, request):
        """Turn it on: the password, the setup token and a code from its secret; the recovery codes, shown once.

        Every other device and app is signed out unless `sign_out_others` is false.
        """
        serializer = TwoFactorOnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        password_checked(request, data["password"])
        if twofactor.is_enabled(request.user):
            raise serializers.ValidationError({"code": [_("Two-step sign-in is already on.")]})
        try:
            setup = signing.loads(data["setup_token"], salt=TWO_FACTOR_SETUP_SALT, max_age=TWO_FACTOR_SETUP_MAX_AGE)
            secret = setup["secret"] if setup["user"] == request.user.pk else None
        except (signing.BadSignature, KeyError, TypeError):
            secret = None
        if not secret:
            raise serializers.ValidationError({"setup_token": [_("Start again: the setup is not valid or too old.")]})
        step = twofactor.code_confirms(secret=secret, code=data["code"])
        if step is None:
            raise serializers.ValidationError(
                {"code": [_("The code is not right. Check the time on your phone and try the next code.")]})
        codes = twofactor.two_factor_enable(user=request.user, secret=secret, confirmed_step=step)
        if data["sign_out_others"]:  # every other browser and app family; the caller's own stays
            devices.sign_in_revoke_others(user=request.user, keep_key=devices.current_key(request))
        return Response({"recovery_codes": codes}, status=status.HTTP_201_CREATED)

    @extend_schema(request=TwoFactorOffSerializer, responses={
        204: None,
        # A DELETE's body is left out of the schema: say here what it takes.
        400: OpenApiResponse(description='{"password": ..., "code": ...} is missing or not right'),
        429: LOCKED})
    def delete(self, request):
        """Turn it off: the password and a code (or a recovery code)."""
        serializer = TwoFactorOffSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_checked(request, serializer.validated_data["password"])
        try:
            accepted = twofactor.code_verify_throttled(request=request, user=request.user,
                                                       code=serializer.validated_data["code"])
        except twofactor.CodeThrottled as refused:
            from rest_framework import exceptions

            from accounts import throttling

            raise exceptions.Throttled(wait=refused.wait_seconds,
                                       detail=throttling.signin_refusal(refused.wait_seconds)) from None
        if not accepted:
            raise serializers.ValidationError({"code": [_("The code is not right, or was already used.")]})
        twofactor.two_factor_disable(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TwoFactorSetupApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PasswordSerializer, responses={200: inline_serializer("TwoFactorSetup", {
        "secret": serializers.CharField(), "uri": serializers.CharField(), "setup_token": serializers.CharField()}),
        400: BAD, 429: LOCKED})
    def post(self, request):
        """A new secret for the authenticator app (as text and as an otpauth:// URI), after the password.

        Nothing is stored: `setup_token` (signed, valid 15 minutes) carries it to POST /me/two-factor/.
        """
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_checked(request, serializer.validated_data["password"])
        secret = twofactor.secret_new()
        token = signing.dumps({"user": request.user.pk, "secret": secret}, salt=TWO_FACTOR_SETUP_SALT)
        return Response({"secret": secret, "uri": twofactor.provisioning_uri(secret=secret, user=request.user),
                         "setup_token": token})


class RecoveryCodesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PasswordSerializer, responses={200: inline_serializer(
        "NewRecoveryCodes", {"recovery_codes": serializers.ListField(child=serializers.CharField())}),
        400: BAD, 429: LOCKED})
    def post(self, request):
        """Ten new recovery codes, shown once, after the password; the old ones stop working."""
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_checked(request, serializer.validated_data["password"])
        if not twofactor.is_enabled(request.user):
            raise serializers.ValidationError({"password": [_("Two-step sign-in is off.")]})
        return Response({"recovery_codes": twofactor.recovery_codes_renew(user=request.user)})
