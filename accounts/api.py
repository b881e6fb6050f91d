"""The accounts API: register, tokens (JWT with rotation and a blacklist) and me."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import devices, services, throttling, twofactor, usernames
from accounts.models import LANGUAGE_CHOICES, User, timezone_names
from accounts.selectors import user_get_cached
from accounts.validators import (
    PASSWORD_NEEDED,
    PASSWORD_WRONG,
    password_needed,
    username_characters,
    validate_email_available,
    validate_username_available,
)
from journal_site.fastjson import iso_datetime, json_response


def _django_errors(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(list(error.messages))


class TokenEndpoint(APIView):
    """Endpoints that take credentials in the body: no session, so no CSRF, and 401 (not 403) on failure."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


# --- Register ------------------------------------------------------------------------


class RegisterSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(max_length=150, validators=[username_characters])
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)
    # The token of an invitation link, when the site's sign-up is by invitation.
    invite = serializers.CharField(write_only=True, required=False, max_length=100)

    def validate_username(self, value: str) -> str:
        value = usernames.normalize(value)
        try:
            validate_username_available(value)
        except DjangoValidationError as error:
            raise _django_errors(error) from None
        return value

    def validate_email(self, value: str) -> str:
        value = User.objects.normalize_email(value).lower()
        try:
            validate_email_available(value)
        except DjangoValidationError as error:
            raise _django_errors(error) from None
        return value

    def validate(self, attrs: dict) -> dict:
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from None
        return attrs


class RegisterApi(TokenEndpoint):
    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: RegisterSerializer,
            403: OpenApiResponse(description="sign-up is closed, or by invitation and `invite` does not admit it"),
            429: OpenApiResponse(description="too many sign-up attempts"),
        },
        auth=[],
    )
    def post(self, request):
        """Create an account. Username and email are unique in any letter case; the password must be strong.

        When the site's sign-up is by invitation, `invite` is the token of the link an admin made (the last
        part of `/accounts/signup/invite/<token>/`); when it is closed, the answer is 403.
        Attempts are limited per client address (429 with Retry-After), whatever their outcome.
        """
        wait = throttling.attempt(throttling.signup_checks(request=request))
        if wait:
            raise exceptions.Throttled(wait=wait, detail=throttling.signup_refusal(wait))
        invite = request.data.get("invite") if isinstance(request.data, dict) else None
        try:  # before the fields are checked: a refused sign-up learns nothing about taken names
            services.sign_up_check(invite if isinstance(invite, str) else None)
        except services.SignUpRefused as refused:
            raise exceptions.PermissionDenied(refused.message) from None
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = services.user_register(
                username=data["username"],
                email=data["email"],
                password=data["password"],
                language=services.supported_language(request.LANGUAGE_CODE),
                base_url=request.build_absolute_uri("/"),
                invite_token=data.get("invite"),
            )
        except services.SignUpRefused as refused:
            raise exceptions.PermissionDenied(refused.message) from None
        except services.RegistrationConflict as conflict:
            raise serializers.ValidationError({"username": [conflict.message]}) from None
        return Response(RegisterSerializer(user).data, status=status.HTTP_201_CREATED)


# --- Tokens --------------------------------------------------------------------------------


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="username or email")
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="the authenticator or recovery code, when two-step sign-in is on",
    )


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class TokenApi(TokenEndpoint):
    @extend_schema(
        request=TokenObtainSerializer,
        responses={
            200: TokenPairSerializer,
            401: OpenApiResponse(description="bad credentials"),
            429: OpenApiResponse(description="too many failed attempts"),
        },
        auth=[],
    )
    def post(self, request):
        """Sign in with a username or email and get an access token (5 minutes) and a refresh token (7 days)."""
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.user_authenticate(
                request=request,
                identifier=serializer.validated_data["username"],
                password=serializer.validated_data["password"],
            )
        except services.SignInThrottled as refused:
            raise exceptions.Throttled(
                wait=refused.wait_seconds, detail=throttling.signin_refusal(refused.wait_seconds)
            ) from None
        except services.InvalidCredentials:
            raise exceptions.AuthenticationFailed(
                _("No active account found with the given credentials"), code="no_active_account"
            ) from None
        if twofactor.is_enabled(user):
            _second_step(request, user, serializer.validated_data.get("otp", ""))
        return Response(services.token_pair_issue(user=user))


def _second_step(request, user: User, code: str) -> None:
    """The code of an account with two-step sign-in: 400 `{"otp": [...]}` when missing or wrong, 429 when locked."""
    if not code:
        raise serializers.ValidationError({"otp": [_("Enter the code from your authenticator app.")]})
    try:
        accepted = twofactor.code_verify_throttled(request=request, user=user, code=code)
    except twofactor.CodeThrottled as refused:
        raise exceptions.Throttled(
            wait=refused.wait_seconds, detail=throttling.signin_refusal(refused.wait_seconds)
        ) from None
    if not accepted:
        raise serializers.ValidationError({"otp": [_("The code is not right, or was already used.")]})


def _presented_refresh(request) -> RefreshToken:
    """The request's refresh token, checked (signature, expiry, type, blacklist); 400 without one, 401 if bad.

    A rotated token presented again means someone else holds its family: all of it ends (accounts/devices.py).
    """
    serializer = RefreshSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    raw = serializer.validated_data["refresh"]
    try:
        return RefreshToken(raw)
    except TokenError as error:
        devices.api_client_reuse_check(raw=raw)
        raise InvalidToken(error.args[0]) from None


class TokenRefreshApi(TokenEndpoint):
    @extend_schema(
        request=RefreshSerializer,
        responses={200: TokenPairSerializer, 401: OpenApiResponse(description="the refresh token is not valid")},
        auth=[],
    )
    def post(self, request):
        """Trade a refresh token for a new pair; the old refresh token stops working."""
        refresh = _presented_refresh(request)
        user = user_get_cached(user_id=refresh.payload.get(jwt_settings.USER_ID_CLAIM))
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(
                _("No active account found for the given token."), code="no_active_account"
            )
        try:
            return Response(services.refresh_token_rotate(refresh=refresh, user=user))
        except services.TokenAlreadyUsed:
            raise InvalidToken(_("Token is blacklisted")) from None


class LogoutApi(TokenEndpoint):
    @extend_schema(
        request=RefreshSerializer,
        responses={204: None, 401: OpenApiResponse(description="the refresh token is not valid")},
        auth=[],
    )
    def post(self, request):
        """Sign out: this refresh token stops working (access tokens expire within 5 minutes)."""
        refresh = _presented_refresh(request)
        services.refresh_token_revoke(refresh=refresh)
        devices.api_client_signed_out(refresh=refresh)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Me ----------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
        "example": "20:30:00",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day in the user's own time zone: `HH:MM[:SS]`, without an offset.

    OpenAPI's `format: time` is RFC 3339's full-time, which requires an offset;
    a reminder time has none, so the schema states the real shape.
    """


class MeSerializer(serializers.ModelSerializer):
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    reminder_time = LocalTimeField(allow_null=True, required=False)
    current_password = serializers.CharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        max_length=4096,
        help_text="needed to change `email` or to turn `ai_can_read_entries` on",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "language",
            "timezone",
            "ai_can_read_entries",
            "reminder_enabled",
            "reminder_time",
            "created_at",
            "current_password",
        ]
        read_only_fields = ["id", "username", "created_at"]

    def validate_email(self, value: str) -> str:
        value = User.objects.normalize_email(value).lower()
        try:
            validate_email_available(value, exclude_user_id=self.instance.pk)
        except DjangoValidationError as error:
            raise _django_errors(error) from None
        return value

    def validate_timezone(self, value: str) -> str:
        if value not in timezone_names():
            raise serializers.ValidationError(_("Unknown time zone: %(value)s") % {"value": value})
        return value

    def validate(self, attrs: dict) -> dict:
        enabled = attrs.get("reminder_enabled", self.instance.reminder_enabled)
        when = attrs.get("reminder_time", self.instance.reminder_time)
        if enabled and when is None:
            raise serializers.ValidationError({"reminder_time": [_("Choose when the reminder should come.")]})
        if password_needed(user=self.instance, data=attrs):
            self._check_current_password(attrs.get("current_password") or "")
        return attrs

    def _check_current_password(self, password: str) -> None:
        if not password:
            raise serializers.ValidationError({"current_password": [PASSWORD_NEEDED]})
        try:
            right = services.user_check_current_password(user=self.instance, password=password)
        except services.SignInThrottled as refused:
            wait = refused.wait_seconds
            raise exceptions.Throttled(wait=wait, detail=throttling.signin_refusal(wait)) from None
        if not right:
            raise serializers.ValidationError({"current_password": [PASSWORD_WRONG]})

    def update(self, instance: User, validated_data: dict) -> User:
        return services.user_update(user=instance, data=validated_data, base_url=validated_data.pop("base_url", ""))


# The fields MeSerializer writes, so the read path below can never drift from it.
ME_FIELDS = tuple(name for name, field in MeSerializer().fields.items() if not field.write_only)


def me_data(user: User) -> dict:
    """What MeSerializer writes, without building its fields on every request (docs/api.md, "Read paths")."""
    data = {name: getattr(user, name) for name in ME_FIELDS}
    data["created_at"] = iso_datetime(user.created_at, django_timezone.get_current_timezone())
    data["reminder_time"] = user.reminder_time.isoformat() if user.reminder_time else None
    return data


class DeleteMeSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=4096)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        """The signed-in user's profile."""
        return json_response(me_data(request.user))

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        """Change email, language, time zone, the companion's consent or the daily reminder.

        A new `email`, or `ai_can_read_entries` turned on, needs `current_password` in the same body
        (400 naming it when missing or wrong; nothing changes). The old address is told, with a link
        that undoes the change for a week.
        """
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save(base_url=request.build_absolute_uri("/"))
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        request=DeleteMeSerializer,
        responses={
            204: None,
            # A DELETE's body is left out of the schema: say here that it takes the password.
            400: OpenApiResponse(description='the password, sent as {"password": ...}, is missing or not right'),
        },
    )
    def delete(self, request):
        """Delete the account and everything in it; the password is asked again."""
        serializer = DeleteMeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_checked(request, serializer.validated_data["password"])
        services.user_delete(user=request.user)
        # A browser using the API through its session forgets what it kept (drafts), as on the page.
        return Response(status=status.HTTP_204_NO_CONTENT, headers={"Clear-Site-Data": '"cache", "storage"'})


def password_checked(request, password: str) -> None:
    """The signed-in user's password again, counted toward the sign-in locks (services.user_check_current_password):
    400 naming `password` when wrong, 429 with Retry-After while locked. Every API route that asks for it."""
    try:
        right = services.user_check_current_password(user=request.user, password=password)
    except services.SignInThrottled as refused:
        raise exceptions.Throttled(wait=refused.wait_seconds,
                                   detail=throttling.signin_refusal(refused.wait_seconds)) from None
    if not right:
        raise serializers.ValidationError({"password": [_("The password is not right.")]})
