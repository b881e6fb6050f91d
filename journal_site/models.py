from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A Celery task recorded in the transaction whose commit calls for it.

    journal_site.outbox hands it to the broker after the commit and deletes
    it; while the broker is down it waits here (docs/operations-consistency.md).
    Arguments are ids and addresses, never private text.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    # When a relay may next try it: now for a new message, a little later while one relay holds it.
    available_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "task_outbox"
        indexes = [models.Index(fields=["available_at", "id"], name="ix_task_outbox_available")]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
