from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.keys import SealedTextField
from conversations.modes import Mode


class ConversationHistory(models.Model):
    """One message of a user's conversation with the companion in one mode.

    A user message's ``status`` says whether its reply is still being written
    (``pending``), arrived (``answered``) or could not be produced (``failed``;
    the message stays so the user can retry). A reply points at the message it
    answers through ``reply_to``, which is unique: a task that runs twice
    cannot store two replies.
    """

    class Role(models.TextChoices):
        USER = "user", "user"
        ASSISTANT = "assistant", "assistant"

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        ANSWERED = "answered", "answered"
        FAILED = "failed", "failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_history", db_index=False
    )
    mode = models.CharField(max_length=20, choices=Mode.choices)
    role = models.CharField(max_length=10, choices=Role.choices)
    content = SealedTextField()  # sealed with the user's data key (docs/encryption.md)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ANSWERED)
    # Every delete of messages takes their replies in the same statement (the
    # retention cleanup, clearing a mode, the account's own cascade by user),
    # so Django need not load rows to cascade and can delete in one statement;
    # the database's foreign key still refuses a reply left behind.
    reply_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="reply"
    )
    provider = models.CharField(max_length=40, blank=True, default="")
    model = models.CharField(max_length=100, blank=True, default="")
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    cached = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "conversation_history"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["user"], name="ix_conversation_history_user_id"),
            models.Index(fields=["mode"], name="ix_conversation_history_mode"),
            models.Index(fields=["created_at"], name="ix_conversation_history_created_at"),
            models.Index(fields=["user", "mode"], name="ix_conversation_history_user_mode"),
            # The history page: one user's messages in one mode, in order.
            models.Index(fields=["user", "mode", "created_at", "id"], name="ix_conv_history_user_mode_time"),
        ]

    def __str__(self) -> str:
        return f"{self.role} ({self.mode})"
