"""Sealing, in place, the entries written before sealing began (docs/encryption.md, Upgrading).

Resumable and safe to stop: each row is sealed and indexed by a conditional
update of its own (an edit made meanwhile is kept), newest first, so the
entries a person is most likely to search become findable first. One run at a
time (a claim in the shared cache); a run seals at most RUN_ROWS rows and
queues the next, so no task outlives its time limit.
"""

from django.core.cache import cache
from django.db.models import Q, TextField
from django.db.models.functions import Substr

from accounts.keys import seal, unseal
from diary.models import DiaryEntry
from diary.search import entry_search_index, tag_hashes
from journal_site import encryption

BATCH = 500
RUN_ROWS = 5000
SEALED_COLUMNS = ("title", "content", "excerpt", "tags")
CLAIM = "lock:diary:entries-seal"


def _in_the_clear(queryset):
    """The rows whose title, text, excerpt or tags are still in the clear (a sealed value starts with its prefix).

    Only each value's first three characters are compared: PostgreSQL reads them as a slice, not the whole
    TOASTed text, so the check stays light when nothing is left (beat runs it hourly). An empty value is
    told by its length alone.
    """
    heads = {f"{column}_head": Substr(column, 1, len(encryption.PREFIX), output_field=TextField())
             for column in SEALED_COLUMNS}
    condition = Q()
    for column in SEALED_COLUMNS:
        condition |= ~Q(**{column: ""}) & ~Q(**{f"{column}_head": encryption.PREFIX})
    return queryset.alias(**heads).filter(condition)


def entries_unsealed() -> int:
    """How many entries wait to be sealed (a full scan on PostgreSQL: for the command's progress)."""
    return _in_the_clear(DiaryEntry.objects.all()).count()


def entries_waiting() -> bool:
    return _in_the_clear(DiaryEntry.objects.all()).exists()


def entries_seal(*, batch_size: int = BATCH, rows_max: int | None = None) -> dict[str, int]:
    """Seal and index up to `rows_max` (RUN_ROWS) entries still in the clear, newest first; how many, and whether
    more wait."""
    rows_max = rows_max or RUN_ROWS
    if not cache.add(CLAIM, True, 3600):
        return {"sealed": 0, "more": 0, "busy": 1}
    try:
        sealed = seen = 0
        before = None
        while seen < rows_max:
            rows = _in_the_clear(DiaryEntry.objects.all()).order_by("-pk")
            if before is not None:
                rows = rows.filter(pk__lt=before)
            batch = list(rows.values_list("pk", "user_id", *SEALED_COLUMNS)[:min(batch_size, rows_max - seen)])
            if not batch:
                break
            before = batch[-1][0]
            seen += len(batch)
            sealed += sum(_seal_row(*row) for row in batch)
        return {"sealed": sealed, "more": int(entries_waiting()), "busy": 0}
    finally:
        cache.delete(CLAIM)


def _seal_row(pk: int, user_id: int, *stored) -> int:
    fields = {column: DiaryEntry._meta.get_field(column) for column in SEALED_COLUMNS}
    opened = {column: fields[column].opened(unseal(user_id=user_id, field=fields[column].place, value=value))
              for column, value in zip(SEALED_COLUMNS, stored, strict=True)}
    changes = {column: seal(user_id=user_id, field=field.place, text=field.as_text(opened[column]))
               for column, field in fields.items()}
    changes["search_index"] = entry_search_index(user_id=user_id, title=opened["title"], content=opened["content"])
    tags = opened["tags"] if isinstance(opened["tags"], list) else []
    changes["tags"] = seal(user_id=user_id, field=fields["tags"].place, text=fields["tags"].as_text(tags))
    changes["tag_index"] = tag_hashes(user_id=user_id, names=tags)
    unchanged = dict(zip(SEALED_COLUMNS, stored, strict=True))
    return DiaryEntry.objects.filter(pk=pk, **unchanged).update(**changes)


def entries_seal_queue(*, apps=None, **kwargs) -> None:
    """post_migrate receiver: queue the sealing when entries wait for it (run inline by the embedded default)."""
    from diary.tasks import entries_seal_task
    from journal_site import outbox

    try:
        state = apps.get_model("diary", "DiaryEntry") if apps is not None else DiaryEntry
    except LookupError:
        return  # the diary migrated to zero
    if "search_index" not in {field.name for field in state._meta.get_fields()}:
        return  # migrated to a state before sealing (a migration test)
    if entries_waiting():
        outbox.enqueue(entries_seal_task)
