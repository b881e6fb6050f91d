"""The diary's test data: entries at given local times, in bulk when needed."""

from datetime import datetime
from zoneinfo import ZoneInfo

from journal_site.testing import EntryFactory


def entry_at(user, local: str, tz: str = "UTC", **fields):
    """An entry written at a local wall-clock time, e.g. entry_at(owner, "2024-03-01 23:30", "Europe/Warsaw")."""
    created_at = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz))
    return EntryFactory(user=user, created_at=created_at, **fields)
