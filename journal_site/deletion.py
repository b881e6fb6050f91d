"""Deleting many rows a batch at a time, so no statement holds its locks for long."""

from collections import Counter
from collections.abc import Callable

from django.db.models import QuerySet


def delete_in_batches(
    queryset: QuerySet,
    *,
    batch_size: int,
    order_by: str = "pk",
    rows: Callable[[list], QuerySet] | None = None,
) -> tuple[int, dict[str, int]]:
    """Delete every row of `queryset`, `batch_size` at a time; returns what QuerySet.delete() does, summed.

    Each batch picks its ids in `order_by` order (keep it on an index) and
    deletes `rows(ids)` (by default the rows with those ids) with Django's
    own delete: its cascades and counts hold, and each batch is one
    transaction. Other writers get in between batches, and a run stopped
    half-way leaves whole batches done, so running it again finishes the work.
    """
    model = queryset.model
    rows = rows or (lambda ids: model._base_manager.using(queryset.db).filter(pk__in=ids))
    total, per_model = 0, Counter()
    while True:
        ids = list(queryset.order_by(order_by).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return total, dict(per_model)
        count, counts = rows(ids).only("pk").delete()
        total += count
        per_model.update(counts)
