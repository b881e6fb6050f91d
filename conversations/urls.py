from django.urls import path

import conversations.converters  # noqa: F401 - registers <mode:...>
from conversations import views

app_name = "conversations"
urlpatterns = [
    path("chat/", views.chat_index, name="index"),
    path("chat/<mode:mode>/", views.chat_mode, name="mode"),
    path("chat/<mode:mode>/older/", views.chat_older, name="older"),
    path("chat/<mode:mode>/clear/", views.chat_clear, name="clear"),
    path("chat/<mode:mode>/save/", views.chat_save, name="save"),
    path("chat/<mode:mode>/messages/<int:message_id>/reply/", views.chat_reply, name="reply"),
    path("chat/<mode:mode>/messages/<int:message_id>/retry/", views.chat_retry, name="retry"),
]
