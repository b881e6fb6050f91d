from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.keys import SealedJSONField, SealedTextField
from diary.emotions import MOOD_MAX, MOOD_MIN
from diary.excerpts import excerpt_title_and_rest
from diary.search import BlindIndexField, TagHashField, TagIndexField


class DiaryEntry(models.Model):
    """One diary entry.

    ``created_at`` is the moment the entry is about, editable so a user can
    write about yesterday. ``emotion_tags`` is a JSON list of codes from
    ``diary.emotions``; on PostgreSQL it carries a GIN index (migration 0002)
    so that a tag filter (``@>``) is indexed. Search has a GIN index over
    ``search_index`` (migration 0011).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_entries", db_index=False
    )
    # Title, text and excerpt are sealed with the owner's data key (docs/encryption.md): the database
    # can neither read, filter nor sort them. Search goes through search_index instead.
    title = SealedTextField(_("title"), blank=True, default="")
    # Empty only in a check-in: an entry with a mood and nothing written (diary.services).
    content = SealedTextField(_("content"), blank=True, default="")
    mood = models.PositiveSmallIntegerField(
        _("mood"), null=True, blank=True, validators=[MinValueValidator(MOOD_MIN), MaxValueValidator(MOOD_MAX)]
    )
    emotion_tags = models.JSONField(_("emotions"), default=list, blank=True)
    # The user's own tags (activities, people, places): names from the user's UserTag list, sealed as
    # JSON; tag_index keeps their keyed hashes, which filters and statistics use (docs/encryption.md).
    tags = SealedJSONField(_("tags"))
    tag_index = TagIndexField()
    exclude_from_ai = models.BooleanField(_("exclude from the companion"), default=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # Plain text of the rendered start of the content, one line per block, set by
    # every write (diary.excerpts): lists show it without loading the content.
    excerpt = SealedTextField(blank=True, default="", editable=False)
    # Keyed hashes of the title's and text's words and word forms, set by every write (diary.search):
    # what search compares, under the GIN index ix_diary_entries_search on PostgreSQL (docs/reading.md).
    search_index = BlindIndexField()
    # Set for imported entries: a stable fingerprint that makes re-imports no-ops.
    source_id = models.CharField(max_length=128, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "diary_entries"
        ordering = ["-created_at", "-id"]
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        indexes = [
            models.Index(fields=["user"], name="ix_diary_entries_user_id"),
            models.Index(fields=["created_at"], name="ix_diary_entries_created_at"),
            # The list query: one user's entries, newest first.
            models.Index(fields=["user", "-created_at", "-id"], name="ix_diary_entries_user_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_id"],
                condition=models.Q(source_id__isnull=False),
                name="uq_diary_entries_user_source",
            ),
            models.CheckConstraint(
                condition=models.Q(mood__isnull=True) | models.Q(mood__gte=MOOD_MIN, mood__lte=MOOD_MAX),
                name="ck_diary_entries_mood_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @cached_property
    def _heading(self) -> tuple[str, str]:
        return excerpt_title_and_rest(title=self.title, excerpt=self.excerpt)

    @property
    def display_title(self) -> str:
        """The title, or the first line of the text, or for a mood alone the word "Check-in"."""
        if self._heading[0]:
            return self._heading[0]
        return str(_("Check-in") if self.mood else _("Untitled"))

    @property
    def display_excerpt(self) -> str:
        """The excerpt without the line already shown as the title."""
        return self._heading[1]


class ImportJob(models.Model):
    """An import of a user's file, processed in the background for large files."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file_format = models.CharField(max_length=20, blank=True, default="")
    # The uploaded file, kept only until the job has run, so any worker can read it.
    payload = models.BinaryField(null=True, blank=True, editable=False)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    # The photos a zip brought to the new entries: kept, left out (missing, damaged, refused, past an
    # entry's limit), and left out once the photo space was full (docs/import-limits.md).
    photos_added = models.PositiveIntegerField(default=0)
    photos_skipped = models.PositiveIntegerField(default=0)
    photos_over_quota = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    # When a worker last took it up (or it was handed to one again: portability.resume_stalled_imports).
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "diary_import_jobs"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"


class UserTag(models.Model):
    """A tag a user made (an activity, a person, a place), offered by the editor's autocomplete.

    Entries keep the names in ``DiaryEntry.tags``; this list remembers every
    name the user has used (at most USER_TAGS_MAX), so autocomplete is one
    indexed read, opened and sorted in Python.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_tags")
    # Sealed (docs/encryption.md): sorted and matched after opening; name_hash keeps names unique in any case.
    name = SealedTextField(_("name"))
    name_hash = TagHashField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "diary_user_tags"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name_hash"], name="uq_diary_user_tags_user_name"),
        ]

    def __str__(self) -> str:
        return self.name


class EntryTemplate(models.Model):
    """A user's own starting text for a blank entry, e.g. "Gratitude: three things"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entry_templates")
    # Sealed (docs/encryption.md): the database can neither sort nor filter by them.
    name = SealedTextField(_("name"))
    content = SealedTextField(_("text"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "diary_entry_templates"
        ordering = ["id"]
        indexes = [models.Index(fields=["user"], name="ix_diary_entry_templates_user")]

    def __str__(self) -> str:
        return self.name


class Attachment(models.Model):
    """A photo in an entry (docs/photos.md).

    The files live in the attachments store, sealed with `file_key`, a random key of this photo alone,
    which is itself sealed with the owner's data key. `original` names the full-size file; the
    thumbnails are `<original>.320` and `<original>.1280` once `thumbs_ready`. `digest` (a hash of the
    sealed original) keys the URLs, so a browser may keep what they answer.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_attachments", db_index=False
    )
    # DO_NOTHING keeps an account's entries deletable in one statement (no cascade to collect); the entry's
    # delete service removes its photos first, and the foreign key (checked at commit) refuses any other
    # delete that would leave a photo without its entry. An account's photos go with the account.
    entry = models.ForeignKey(DiaryEntry, on_delete=models.DO_NOTHING, related_name="attachments", db_index=False)
    position = models.PositiveIntegerField(default=0)
    caption = SealedTextField(_("caption"), blank=True, default="")
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # The plain size of the original, and what every file of the photo takes in the store (the quota).
    byte_size = models.PositiveBigIntegerField()
    stored_bytes = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=32)
    file_key = SealedTextField(editable=False)
    original = models.CharField(max_length=200, unique=True, editable=False)
    thumbs_ready = models.BooleanField(default=False)
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "diary_attachments"
        ordering = ["position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        indexes = [
            models.Index(fields=["entry", "position", "id"], name="ix_diary_attachments_entry"),
            models.Index(fields=["user"], name="ix_diary_attachments_user"),
        ]

    def __str__(self) -> str:
        return f"photo {self.pk}"

    @property
    def thumbnail_names(self) -> dict[str, str]:
        return {size: f"{self.original}.{size}" for size in ("320", "1280")}

    @property
    def file_names(self) -> list[str]:
        return [self.original, *self.thumbnail_names.values()]
