"""The companion's API (/api/v1/conversations/...), over the same services as the pages."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations import selectors, services
from conversations.crisis import care_help, crisis_detect
from conversations.models import ConversationHistory
from conversations.modes import MODES, Mode
from journal_site.language import language_detect


class ModeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConversationHistory
        fields = ["id", "role", "content", "status", "reply_to", "created_at"]
        read_only_fields = fields


class MessageInputSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=services.MESSAGE_MAX_CHARS, trim_whitespace=True)


MessagePageSerializer = inline_serializer(
    name="MessagePage",
    fields={
        "next": serializers.URLField(allow_null=True, help_text="Older messages."),
        "previous": serializers.URLField(allow_null=True, help_text="Newer messages."),
        "results": MessageSerializer(many=True),
    },
)
SentSerializer = inline_serializer(
    name="MessageSent",
    fields={
        "message": MessageSerializer(),
        "reply": MessageSerializer(allow_null=True),
        "status_url": serializers.URLField(required=False),
    },
)
StatusSerializer = inline_serializer(
    name="MessageStatus",
    fields={
        "message": MessageSerializer(),
        "reply": MessageSerializer(allow_null=True),
        "status": serializers.ChoiceField(choices=ConversationHistory.Status.choices),
        "detail": serializers.CharField(required=False),
    },
)
CURSOR_PARAMETERS = [
    OpenApiParameter("before", str, description="A cursor from `next`: messages older than it."),
    OpenApiParameter("after", str, description="A cursor from `previous`: messages newer than it."),
]


def _status_url(request: Request, message: ConversationHistory) -> str:
    return request.build_absolute_uri(reverse("api-conversation-message", args=[message.mode, message.pk]))


def _sent(request: Request, result: services.SendResult) -> Response:
    """201 {message, reply} when the reply is written, or 202 {message, status_url} while it is being written."""
    body = {"message": MessageSerializer(result.message).data}
    if result.message.status == ConversationHistory.Status.PENDING:
        body["status_url"] = _status_url(request, result.message)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})
    body["reply"] = MessageSerializer(result.reply).data if result.reply else None
    return Response(body, status=status.HTTP_201_CREATED)


def _failure_detail(message: ConversationHistory) -> str:
    detail = _("The companion could not answer just now. Your message is kept; try again in a moment.")
    if crisis_detect(message.content):
        language = language_detect(message.content, default=message.user.language)
        detail = f"{detail}\n\n{care_help(user=message.user, language=language).text()}"
    return detail


class ModeListApi(APIView):
    @extend_schema(responses=ModeSerializer(many=True))
    def get(self, request: Request) -> Response:
        modes = [MODES[mode.value] for mode in Mode]
        return Response(ModeSerializer(modes, many=True).data)


class MessageListApi(APIView):
    """One mode's history: GET pages of it (newest page first), POST a message, DELETE it all."""

    @extend_schema(
        parameters=CURSOR_PARAMETERS, responses=MessagePageSerializer, operation_id="v1_conversations_messages_list"
    )
    def get(self, request: Request, mode: str) -> Response:
        before = selectors.Cursor.parse(request.query_params.get("before"))
        after = selectors.Cursor.parse(request.query_params.get("after"))
        for name, cursor in (("before", before), ("after", after)):
            if request.query_params.get(name) and cursor is None:
                return Response({name: [_("Not a valid cursor.")]}, status=status.HTTP_400_BAD_REQUEST)
        page = selectors.message_page(user=request.user, mode=mode, before=before, after=after)
        base = request.build_absolute_uri(request.path)
        return Response(
            {
                "next": f"{base}?before={page.older}" if page.older else None,
                "previous": f"{base}?after={page.newer}" if page.newer else None,
                "results": MessageSerializer(page.messages, many=True).data,
            }
        )

    @extend_schema(request=MessageInputSerializer, responses={201: SentSerializer, 202: SentSerializer})
    def post(self, request: Request, mode: str) -> Response:
        serializer = MessageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.message_send(user=request.user, mode=mode, content=serializer.validated_data["content"])
        return _sent(request, result)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, mode: str) -> Response:
        services.history_clear(user=request.user, mode=mode)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _user_message(request: Request, mode: str, message_id: int) -> ConversationHistory:
    message = selectors.message_get_for_user(user=request.user, mode=mode, message_id=message_id)
    if message.role != ConversationHistory.Role.USER:
        raise Http404("No such message.")
    message.user = request.user
    return message


class MessageStatusApi(APIView):
    """Where a message's reply stands: the `status_url` of a 202."""

    @extend_schema(responses=StatusSerializer, operation_id="v1_conversations_message_status")
    def get(self, request: Request, mode: str, message_id: int) -> Response:
        message = _user_message(request, mode, message_id)
        services.message_mark_stale_failed(message=message)
        reply = selectors.message_reply(message=message) if message.status == message.Status.ANSWERED else None
        body = {
            "message": MessageSerializer(message).data,
            "reply": MessageSerializer(reply).data if reply else None,
            "status": message.status,
        }
        if message.status == message.Status.FAILED:
            body["detail"] = _failure_detail(message)
        return Response(body)


class MessageRetryApi(APIView):
    """Send again a message whose reply failed."""

    @extend_schema(request=None, responses={201: SentSerializer, 202: SentSerializer, 409: None})
    def post(self, request: Request, mode: str, message_id: int) -> Response:
        message = _user_message(request, mode, message_id)
        try:
            result = services.message_retry(message=message)
        except services.NotRetryable:
            return Response(
                {"detail": _("Only a message whose reply failed can be sent again.")},
                status=status.HTTP_409_CONFLICT,
            )
        return _sent(request, result)

