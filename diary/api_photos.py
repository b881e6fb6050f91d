"""The photos of an entry in the JSON API: add (multipart), list, caption, order and remove (docs/api.md)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diary import attachments, selectors
from diary.api import (
    BAD_INPUT,
    ENTRY_ID,
    NO_AUTH,
    NOT_FOUND,
    AttachmentSerializer,
    StrictCharField,
    _api_validation_error,
)
from diary.attachments import (
    CAPTION_MAX_LENGTH,
    STORE_UNAVAILABLE_MESSAGE,
    QuotaExceeded,
    attachment_data,
    quota_message,
)
from diary.images import PhotoRefused
from journal_site.blobs import StoreUnavailable
from journal_site.parsers import JSONParser


class CaptionSerializer(serializers.Serializer):
    caption = StrictCharField(max_length=CAPTION_MAX_LENGTH, allow_blank=True)


class OrderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=100)


ATTACHMENT_ID = OpenApiParameter("attachment_id", OpenApiTypes.INT64, OpenApiParameter.PATH)
QUOTA = OpenApiResponse(description="The account's photo space is full.")
TOO_LARGE = OpenApiResponse(description="The file is larger than PHOTO_MAX_BYTES (20 MB).")


def _refusal(error: Exception) -> Response:
    if isinstance(error, PhotoRefused):
        return Response({"file": [str(error.message)], "code": error.code}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(error, QuotaExceeded):
        return Response({"detail": quota_message(error), "code": "quota_exceeded"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(error, StoreUnavailable):
        return Response({"detail": str(STORE_UNAVAILABLE_MESSAGE), "code": "store_unavailable"},
                        status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "60"})
    raise error


class AttachmentListCreateApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(summary="The entry's photos, in order", parameters=[ENTRY_ID],
                   responses={200: AttachmentSerializer(many=True), 401: NO_AUTH, 404: NOT_FOUND})
    def get(self, request: Request, entry_id: int) -> Response:
        entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
        return Response([attachment_data(row) for row in attachments.attachment_list(entry=entry)])

    @extend_schema(
        summary="Add a photo to an entry",
        parameters=[ENTRY_ID],
        request={"multipart/form-data": {
            "type": "object",
            "properties": {"file": {"type": "string", "format": "binary"},
                           "caption": {"type": "string", "maxLength": CAPTION_MAX_LENGTH}},
            "required": ["file"],
        }},
        responses={201: AttachmentSerializer, 400: BAD_INPUT, 401: NO_AUTH, 403: QUOTA, 404: NOT_FOUND,
                   413: TOO_LARGE},
        description=gettext_lazy("JPEG, PNG, WebP, GIF or HEIC, judged by content. Metadata (EXIF, GPS) is removed."),
    )
    def post(self, request: Request, entry_id: int) -> Response:
        entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [str(gettext_lazy("Choose a photo first."))]}, status=status.HTTP_400_BAD_REQUEST)
        caption = request.data.get("caption", "")
        try:
            attachment = attachments.attachment_create(entry=entry, source=upload, caption=caption)
        except (PhotoRefused, QuotaExceeded, StoreUnavailable) as error:
            return _refusal(error)
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        return Response(attachment_data(attachment), status=status.HTTP_201_CREATED)


class AttachmentDetailApi(APIView):
    parser_classes = [JSONParser]

    def _attachment(self, request: Request, entry_id: int, attachment_id: int):
        attachment = attachments.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
        if attachment.entry_id != entry_id:
            raise Http404
        return attachment

    @extend_schema(summary="One photo", parameters=[ENTRY_ID, ATTACHMENT_ID],
                   responses={200: AttachmentSerializer, 401: NO_AUTH, 404: NOT_FOUND})
    def get(self, request: Request, entry_id: int, attachment_id: int) -> Response:
        return Response(attachment_data(self._attachment(request, entry_id, attachment_id)))

    @extend_schema(summary="Change a photo's caption", parameters=[ENTRY_ID, ATTACHMENT_ID],
                   request=CaptionSerializer,
                   responses={200: AttachmentSerializer, 400: BAD_INPUT, 401: NO_AUTH, 404: NOT_FOUND})
    def patch(self, request: Request, entry_id: int, attachment_id: int) -> Response:
        attachment = self._attachment(request, entry_id, attachment_id)
        serializer = CaptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            attachments.attachment_update(attachment=attachment, caption=serializer.validated_data["caption"])
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        return Response(attachment_data(attachment))

    @extend_schema(summary="Remove a photo (its files are erased)", parameters=[ENTRY_ID, ATTACHMENT_ID],
                   responses={204: None, 401: NO_AUTH, 404: NOT_FOUND})
    def delete(self, request: Request, entry_id: int, attachment_id: int) -> Response:
        attachments.attachment_delete(attachment=self._attachment(request, entry_id, attachment_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentOrderApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Put the entry's photos in a new order",
        parameters=[ENTRY_ID],
        request=OrderSerializer,
        responses={200: AttachmentSerializer(many=True), 400: BAD_INPUT, 401: NO_AUTH, 404: NOT_FOUND},
        description=gettext_lazy("`order` names every photo of the entry once, first to last."),
    )
    def put(self, request: Request, entry_id: int) -> Response:
        entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
        serializer = OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            rows = attachments.attachment_reorder(entry=entry, order=serializer.validated_data["order"])
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        return Response([attachment_data(row) for row in rows])

