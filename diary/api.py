"""The diary's JSON API: entries and the emotion vocabulary, over the same services and selectors as the pages."""

import re
from functools import partial

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.keys import unseal_row
from accounts.timezones import user_zone
from diary import selectors, services, writing
from diary.attachments import attachment_data, attachment_list, attachments_by_entry
from diary.emotions import EMOTIONS, MOOD_MAX, MOOD_MIN, MOOD_RANGE_MESSAGE, emotion_choices
from diary.lexicon import emotions_detect
from diary.models import DiaryEntry
from journal_site.fastjson import iso_datetime, json_response
from journal_site.parsers import JSONParser

PAGE_SIZE = 20
# ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
_DIGITS = re.compile(r"[0-9]{1,30}")
PAGE_SIZE_MAX = 100


def _api_validation_error(error: DjangoValidationError) -> ApiValidationError:
    return ApiValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class StrictCharField(serializers.CharField):
    """Text only: in a JSON body a number where text belongs is a client's mistake, not text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "maxLength": services.CONTENT_MAX_LENGTH})
class EntryContentField(StrictCharField):
    """Markdown text; empty only when the entry has a mood (a check-in)."""


@extend_schema_field({"type": "string", "format": "date-time", "pattern": r"^(19|20)\d\d-"})
class EntryDateTimeField(serializers.DateTimeField):
    """An ISO 8601 moment. The schema states the years accepted (from 1900); a moment after tomorrow is refused too."""


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: not "4", 4.0 or true."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false only: not "yes", 1 or "on"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class EntryWriteSerializer(serializers.Serializer):
    """The fields a client may write. Anything else in the body (`user`, `id`, ...) is ignored."""

    title = StrictCharField(max_length=services.TITLE_MAX_LENGTH, allow_blank=True, required=False)
    content = EntryContentField(
        max_length=services.CONTENT_MAX_LENGTH,
        trim_whitespace=False,
        allow_blank=True,
        required=False,
        help_text=gettext_lazy(
            "Markdown. May be empty or left out when `mood` is set: a mood alone is a check-in. "
            "Without a mood it needs a character that is not a space."
        ),
    )
    mood = StrictIntegerField(
        min_value=MOOD_MIN,
        max_value=MOOD_MAX,
        allow_null=True,
        required=False,
        error_messages={"min_value": MOOD_RANGE_MESSAGE, "max_value": MOOD_RANGE_MESSAGE},
        help_text=gettext_lazy("1 (awful) to 5 (great), or null."),
    )
    emotion_tags = serializers.ListField(
        child=serializers.ChoiceField(
            choices=list(EMOTIONS), error_messages={"invalid_choice": gettext_lazy("Unknown emotion: {input}.")}
        ),
        max_length=len(EMOTIONS),
        required=False,
        help_text=gettext_lazy("Codes from /api/v1/emotions/."),
    )
    tags = serializers.ListField(
        child=StrictCharField(max_length=services.TAG_MAX_LENGTH, allow_blank=False),
        max_length=services.TAGS_MAX,
        required=False,
        help_text=gettext_lazy("The user's own tags (activities, people, places); new names join /api/v1/tags/."),
    )
    exclude_from_ai = StrictBooleanField(
        required=False, help_text=gettext_lazy("The companion never reads this entry.")
    )
    created_at = EntryDateTimeField(
        required=False,
        help_text=gettext_lazy("When the entry happened: from 1900-01-01 up to now (a day of slack); defaults to now."),
    )

    def validate(self, attrs):
        if not self.partial and "content" not in attrs:
            # A whole entry (create or PUT) without text is a check-in: it needs a mood in the same body.
            if attrs.get("mood") is None:
                raise serializers.ValidationError({"content": [_("Write something first, or pick a mood.")]})
            attrs["content"] = ""
        return attrs


class AttachmentSerializer(serializers.Serializer):
    """A photo of an entry. The URLs are relative to the site and answer the bytes to the owner
    (a session or a bearer token); `thumbnail_url` is null until the thumbnails are made."""

    id = serializers.IntegerField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    width = serializers.IntegerField(read_only=True)
    height = serializers.IntegerField(read_only=True)
    caption = serializers.CharField(read_only=True)
    thumbnail_url = serializers.CharField(read_only=True, allow_null=True)
    url = serializers.CharField(read_only=True)


class EntrySerializer(serializers.Serializer):
    """A diary entry."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    content = serializers.CharField(read_only=True, help_text=gettext_lazy("Markdown."))
    mood = serializers.IntegerField(read_only=True, allow_null=True, min_value=MOOD_MIN, max_value=MOOD_MAX)
    emotion_tags = serializers.ListField(child=serializers.ChoiceField(choices=list(EMOTIONS)), read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    exclude_from_ai = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    attachments = serializers.SerializerMethodField(help_text=gettext_lazy("The entry's photos, in order."))

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, entry) -> list[dict]:
        return [attachment_data(row) for row in attachment_list(entry=entry)]


# The serializer's own columns, so the read paths below can never drift from it; the photos come from
# their own table, one query a page (attachments_by_entry).
ENTRY_FIELDS = tuple(name for name in EntrySerializer().fields if name != "attachments")
_MOMENTS = frozenset({"created_at", "updated_at"})


def entry_data(entry: dict, zone, photos: list | None = None) -> dict:
    """What EntrySerializer writes, from a `values(*ENTRY_FIELDS)` row and the entry's photos, without its
    per-field machinery."""
    data = {name: iso_datetime(entry[name], zone) if name in _MOMENTS else entry[name] for name in ENTRY_FIELDS}
    data["attachments"] = [attachment_data(row) for row in photos or ()]
    return data


class EntryCursorPagination(CursorPagination):
    """Newest first; `?limit=` up to 100. Keyset pages stay fast however deep a client goes."""

    ordering = ("-created_at", "-id")
    page_size = PAGE_SIZE
    page_size_query_param = "limit"
    max_page_size = PAGE_SIZE_MAX
    page_size_query_description = gettext_lazy("Entries per page, 1 to 100 (default 20; larger values mean 100).")
    invalid_cursor_message = gettext_lazy("Invalid cursor.")

    def get_page_size(self, request: Request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not _DIGITS.fullmatch(value) or int(value) < 1:
            raise ApiValidationError({"limit": [_("The limit must be a whole number from 1 up.")]})
        return min(int(value), self.max_page_size)

    def decode_cursor(self, request: Request):
        """DRF's decoding, plus a check of the position: a forged one must not reach the query."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                position = parse_datetime(cursor.position)
            except ValueError:
                position = None
            if position is None or timezone.is_naive(position):
                raise NotFound(self.invalid_cursor_message)
        return cursor

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


# Filter dates run from 1900-01-01 to 9998-12-31.
DATE_PATTERN = r"^(19\d\d|[2-8]\d\d\d|9[0-8]\d\d|99[0-8]\d|999[0-8])-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
FILTER_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description=gettext_lazy("Search in title and content: entries with every word, or words beginning with it."),
    ),
    OpenApiParameter("tag", OpenApiTypes.STR, enum=list(EMOTIONS), description=gettext_lazy("An emotion code.")),
    OpenApiParameter("mood", OpenApiTypes.INT, enum=list(range(MOOD_MIN, MOOD_MAX + 1))),
    OpenApiParameter(
        "from", OpenApiTypes.DATE, pattern=DATE_PATTERN, description=gettext_lazy("First day, in the user's time zone.")
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, pattern=DATE_PATTERN, description=gettext_lazy("Last day, in the user's time zone.")
    ),
]
BAD_INPUT = OpenApiResponse(description="Bad input: a field -> messages map, or {detail}.")
NO_AUTH = OpenApiResponse(description="No or bad credentials.")
NOT_FOUND = OpenApiResponse(description="No such entry (also for another user's entry).")
ENTRY_ID = OpenApiParameter(
    "entry_id", OpenApiTypes.INT64, OpenApiParameter.PATH, description=gettext_lazy("The entry's id.")
)


@extend_schema_view(
    get=extend_schema(
        summary="The user's entries, newest first",
        parameters=FILTER_PARAMETERS,
        responses={
            200: EntrySerializer(many=True),
            400: BAD_INPUT,
            401: NO_AUTH,
            404: OpenApiResponse(description="Invalid cursor."),
        },
    ),
    post=extend_schema(
        summary="Write an entry",
        request=EntryWriteSerializer,
        responses={201: EntrySerializer, 400: BAD_INPUT, 401: NO_AUTH},
    ),
)
class EntryListCreateApi(generics.ListCreateAPIView):
    serializer_class = EntrySerializer
    pagination_class = EntryCursorPagination
    parser_classes = [JSONParser]

    def get_queryset(self):
        try:
            filters = selectors.entry_filters_parse(
                params=self.request.query_params, allow_blank=False,
                own_tags=partial(selectors.user_tag_names_cached, user_id=self.request.user.pk),
            )
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        return selectors.entry_list(
            user=self.request.user, filters=filters, tz=user_zone(self.request.user), content=True
        )

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:
        """The read path most clients poll: rows as dicts, encoded by orjson; same JSON as the serializer's."""
        paginator = self.paginator
        rows = paginator.paginate_queryset(self.get_queryset().values(*ENTRY_FIELDS), request, view=self)
        zone = timezone.get_current_timezone()
        photos = attachments_by_entry(user_id=request.user.pk, entry_ids=[row["id"] for row in rows])
        opened = (unseal_row(row, model=DiaryEntry, user_id=request.user.pk) for row in rows)
        return json_response(
            {
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": [entry_data(row, zone, photos.get(row["id"])) for row in opened],
            }
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = EntryWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            entry = services.entry_create(user=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="One entry", parameters=[ENTRY_ID], responses={200: EntrySerializer, 401: NO_AUTH, 404: NOT_FOUND}
    ),
    put=extend_schema(
        summary="Replace an entry",
        parameters=[ENTRY_ID],
        request=EntryWriteSerializer,
        responses={200: EntrySerializer, 400: BAD_INPUT, 401: NO_AUTH, 404: NOT_FOUND},
    ),
    patch=extend_schema(
        summary="Change some fields of an entry",
        parameters=[ENTRY_ID],
        request=EntryWriteSerializer,
        responses={200: EntrySerializer, 400: BAD_INPUT, 401: NO_AUTH, 404: NOT_FOUND},
    ),
    delete=extend_schema(
        summary="Delete an entry", parameters=[ENTRY_ID], responses={204: None, 401: NO_AUTH, 404: NOT_FOUND}
    ),
)
class EntryDetailApi(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = EntrySerializer
    parser_classes = [JSONParser]

    def get_object(self) -> DiaryEntry:
        return selectors.entry_get_for_user(user=self.request.user, entry_id=self.kwargs["entry_id"])

    def retrieve(self, request: Request, *args, **kwargs) -> HttpResponse:
        entry = self.get_object()
        row = {name: getattr(entry, name) for name in ENTRY_FIELDS}
        return json_response(entry_data(row, timezone.get_current_timezone(), attachment_list(entry=entry)))

    def update(self, request: Request, *args, **kwargs) -> Response:
        entry = self.get_object()
        serializer = EntryWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        try:
            entry = services.entry_update(entry=entry, data=serializer.validated_data)
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        return Response(self.get_serializer(entry).data)

    def perform_destroy(self, instance: DiaryEntry) -> None:
        services.entry_delete(entry=instance)


class EmotionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class EmotionListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="The emotion vocabulary, in the request's language", responses=EmotionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response([{"code": code, "label": label} for code, label in emotion_choices()])


class EmotionSuggestInputSerializer(serializers.Serializer):
    text = StrictCharField(max_length=services.CONTENT_MAX_LENGTH, allow_blank=True, trim_whitespace=False)


class EmotionSuggestApi(APIView):
    """Emotion codes found in a text, most frequent first. Nothing is stored or tagged."""

    parser_classes = [JSONParser]

    @extend_schema(
        summary="Suggest emotion tags for a text",
        request=EmotionSuggestInputSerializer,
        responses={
            200: inline_serializer("EmotionSuggestions", {"emotions": EmotionSerializer(many=True)}),
            400: BAD_INPUT,
            401: NO_AUTH,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = EmotionSuggestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        codes = emotions_detect(serializer.validated_data["text"])
        return Response({"emotions": [{"code": code, "label": str(EMOTIONS[code])} for code in codes]})


class UserTagSerializer(serializers.Serializer):
    name = StrictCharField(max_length=services.TAG_MAX_LENGTH)


TAG_LIST_MAX = 200


class UserTagListCreateApi(APIView):
    """The user's own tags (activities, people, places), for autocomplete; names are kept as written."""

    parser_classes = [JSONParser]

    @extend_schema(
        summary="The user's own tags, by name",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description=gettext_lazy("Only names that begin with this.")),
        ],
        responses={200: UserTagSerializer(many=True), 401: NO_AUTH},
    )
    def get(self, request: Request) -> Response:
        names = writing.user_tag_names(user=request.user, prefix=request.query_params.get("q", ""), limit=TAG_LIST_MAX)
        return Response([{"name": name} for name in names])

    @extend_schema(
        summary="Add a tag to the user's list",
        request=UserTagSerializer,
        responses={201: UserTagSerializer, 400: BAD_INPUT, 401: NO_AUTH},
    )
    def post(self, request: Request) -> Response:
        serializer = UserTagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            tag = services.user_tag_create(user=request.user, name=serializer.validated_data["name"])
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        return Response({"name": tag.name}, status=status.HTTP_201_CREATED)
