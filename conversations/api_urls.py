from django.urls import path

import conversations.converters  # noqa: F401 - registers <mode:...>
from conversations import api

urlpatterns = [
    path("conversations/modes/", api.ModeListApi.as_view(), name="api-conversation-modes"),
    path("conversations/<mode:mode>/messages/", api.MessageListApi.as_view(), name="api-conversation-messages"),
    path(
        "conversations/<mode:mode>/messages/<int:message_id>/",
        api.MessageStatusApi.as_view(),
        name="api-conversation-message",
    ),
    path(
        "conversations/<mode:mode>/messages/<int:message_id>/retry/",
        api.MessageRetryApi.as_view(),
        name="api-conversation-message-retry",
    ),
]
