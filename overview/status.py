"""What an admin's status page shows (docs/operations.md, "Status page"): the background, the queues, the
last backup, mail, keys and versions. Reads only; every figure says when it cannot be read."""

from __future__ import annotations

import functools
import logging
import os
import platform
import subprocess  # nosec B404 - git describe, fixed arguments
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Min

from accounts.models import DataKey, SiteSettings
from journal_site.maintenance import maintenance_read
from journal_site.models import OutboxMessage
from journal_site.tasks import BACKUP_KEY, HEARTBEAT_KEY

logger = logging.getLogger(__name__)

# Beat queues the heartbeat every minute: older than this, beat or the workers stand still.
HEARTBEAT_FRESH_SECONDS = 180
BACKUP_FRESH_SECONDS = 26 * 3600


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    ok: bool | None = None  # None: neither good nor bad, just so


def _ago(timestamp: float | None) -> str:
    if timestamp is None:
        return "never recorded"
    seconds = max(0, int(time.time() - timestamp))
    when = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if seconds < 120:
        return f"{seconds} s ago ({when})"
    if seconds < 7200:
        return f"{seconds // 60} min ago ({when})"
    return f"{seconds // 3600} h ago ({when})"


def _queue_depth() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "none: tasks run at once, in the process that asks (no broker)"
    from journal_site.celery import app

    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            queue = app.conf.task_default_queue
            declared = conn.default_channel.queue_declare(queue=queue, passive=True)
            return f"{declared.message_count} waiting in {queue!r}"
    except Exception as exc:
        return f"cannot be read ({type(exc).__name__})"


def _mail() -> str:
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]  # smtp, console, locmem, filebased
    where = f" {settings.EMAIL_HOST}:{settings.EMAIL_PORT}" if backend == "smtp" else ""
    return f"{backend}{where}, from {settings.DEFAULT_FROM_EMAIL}"


def _database_version() -> str:
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


@functools.cache
def app_version() -> str:
    """JOURNAL_VERSION when set, else what git says of the checkout, else "unknown"."""
    if version := os.environ.get("JOURNAL_VERSION"):
        return version
    try:
        done = subprocess.run(  # nosec B603 B607 - fixed arguments, no shell
            ["git", "describe", "--tags", "--always", "--dirty"],  # noqa: S607 - git from PATH, as deploys run it
            cwd=Path(settings.BASE_DIR),
            capture_output=True, text=True, timeout=2, check=True,
        )
        return done.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def status_facts() -> dict[str, list[Fact]]:
    values = {}
    try:
        values = cache.get_many([HEARTBEAT_KEY, BACKUP_KEY])
    except Exception as exc:  # the cache is down: say so, show the rest
        logger.warning("status page: cache failed", extra={"error": type(exc).__name__})
    heartbeat = values.get(HEARTBEAT_KEY)
    backup = values.get(BACKUP_KEY) if isinstance(values.get(BACKUP_KEY), dict) else None
    now = time.time()

    background = [
        Fact("Beat and workers (the minute heartbeat a worker last ran)", _ago(heartbeat),
             heartbeat is not None and now - heartbeat < HEARTBEAT_FRESH_SECONDS)
        if not settings.CELERY_TASK_ALWAYS_EAGER
        else Fact("Beat and workers", "none: tasks run at once (no broker configured)"),
        Fact("Broker queue", _queue_depth()),
    ]
    outbox = OutboxMessage.objects.aggregate(count=Count("pk"), oldest=Min("created_at"))
    background.append(Fact(
        "Outbox (tasks waiting for the broker)",
        f"{outbox['count']}" + (f", the oldest from {outbox['oldest']:%Y-%m-%d %H:%M UTC}" if outbox["oldest"] else ""),
        outbox["count"] < 100,
    ))

    backups = [Fact(
        "Last backup (deploy/journal-backup)",
        _ago(backup["at"]) + f", {backup.get('bytes', 0) / 2**20:.1f} MB" if backup else "never recorded",
        bool(backup) and now - backup["at"] < BACKUP_FRESH_SECONDS,
    )]

    keys = settings.ENCRYPTION_KEYS
    wrapped = dict(DataKey.objects.values_list("kek_version").annotate(n=Count("pk")).values_list("kek_version", "n"))
    site = [
        Fact("Maintenance mode", "on" if maintenance_read() else "off"),
        Fact("Sign-up", SiteSettings.current().get_sign_up_display()),
        Fact("Key-encryption keys", f"versions {sorted(keys.keys)}, new data keys wrapped by {keys.current}"),
        Fact(
            "Data keys by the key that wraps them",
            ", ".join(f"{version}: {count}" for version, count in sorted(wrapped.items())) or "none",
            all(version == keys.current for version in wrapped),
        ),
        Fact("Mail", _mail()),
    ]
    versions = [
        Fact("Journal", app_version()),
        Fact("Python, Django", f"{platform.python_version()}, {django.get_version()}"),
        Fact("Database", _database_version()),
    ]
    return {"Background": background, "Backups": backups, "Site": site, "Versions": versions}
