"""Claims in the shared cache, for work that must happen once however often it is queued (docs/jobs.md)."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
DAY_CLAIM_SECONDS = 23 * 60 * 60


def run_once_today(name: str, work: Callable[[], T]) -> tuple[bool, T | None]:
    """Run `work` unless it already ran (or is running) today, by the UTC date.

    Two beat processes started by mistake both queue the daily task; the
    first claim wins and the second run returns (False, None). A failed run
    gives its claim back so a retry or the next beat can try again.
    """
    claim = f"lock:{name}:{datetime.now(UTC).date().isoformat()}"
    if not cache.add(claim, True, DAY_CLAIM_SECONDS):
        return False, None
    try:
        return True, work()
    except BaseException:
        cache.delete(claim)
        raise
