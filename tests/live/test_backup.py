"""deploy/journal-backup and deploy/journal-restore: a dump restored into an empty database is the journal.

A private PostgreSQL with a migrated journal, a user and an entry; the backup
script dumps it (pg_dump -Fc), the restore script loads it into a new empty
database, `migrate --check` finds nothing to do, and gunicorn on the restored
database, with a brand-new empty Redis, lets the user sign in and read the
entry: nothing in Redis is needed after a restore.
"""

import base64
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.live.conftest import PASSWORD, create_user
from tests.live.servers import ROOT, PrivateRedis, _pg_bin, app_env, gunicorn, manage, signed_in_session

pytestmark = pytest.mark.live
BACKUP = ROOT / "deploy" / "journal-backup"
RESTORE = ROOT / "deploy" / "journal-restore"
SECRET = "The restored entry, word for word: 7f3a."


def script_env(url: str, **extra: str) -> dict[str, str]:
    """The scripts find pg_dump, pg_restore and psql of the server's own version first."""
    path = f"{Path(_pg_bin('pg_dump')).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    return {"PATH": path, "HOME": os.environ.get("HOME", "/root"), "DATABASE_URL": url, **extra}


def run(script: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=300)


# The deployment's key-encryption key, the same on the machine that backs up and the one that restores.
KEYS = "1:" + base64.b64encode(b"backup-round-trip-key-32-bytes!!").decode()
OTHER_KEYS = "1:" + base64.b64encode(b"some-other-machine-key-32-bytes!").decode()


def manage_command(env: dict[str, str]) -> str:
    """How journal-restore runs manage.py here ($JOURNAL_MANAGE): the journal's Python, with `env` around it."""
    assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
    return f"env {assignments} {sys.executable} {ROOT / 'manage.py'}"


def test_backup_restore_round_trip(postgres, tmp_path):
    for part in ("source", "target"):
        (tmp_path / part).mkdir()
    source_url = postgres.create_database("jbackup_source")
    source = app_env(tmp_path / "source", DATABASE_URL=source_url, ENCRYPTION_KEYS=KEYS)
    manage(source, "migrate", "--noinput")
    create_user(source, "alice")
    entry_id = int(
        manage(
            source, "shell", "--no-imports", "-c",
            "from accounts.models import User; from diary.models import DiaryEntry; "
            "from diary.models import EntryTemplate; "
            "alice = User.objects.get(username='alice'); "
            f"EntryTemplate.objects.create(user=alice, name='Kept', content={SECRET!r}); "
            f"print(DiaryEntry.objects.create(user=alice, title='Kept', content={SECRET!r}).pk)",
        ).strip().splitlines()[-1]
    )

    backups = tmp_path / "backups"
    dumped = run(BACKUP, env=script_env(source_url, BACKUP_DIR=str(backups)))
    assert dumped.returncode == 0, dumped.stderr
    archive = Path(dumped.stdout.strip())
    assert archive.parent == backups and archive.name.startswith("journal-") and archive.suffix == ".dump"
    assert archive.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in backups.iterdir()] == [archive.name]  # no partial file left behind

    target_url = postgres.create_database("jbackup_target")
    target = app_env(tmp_path / "target", DATABASE_URL=target_url, ENCRYPTION_KEYS=KEYS)
    # A machine without the deployment's key is refused before anything is written.
    elsewhere = {**target, "ENCRYPTION_KEYS": OTHER_KEYS}
    refused = run(RESTORE, str(archive), env=script_env(target_url, JOURNAL_MANAGE=manage_command(elsewhere)))
    assert refused.returncode == 3 and "do not open the archive's data keys" in refused.stderr, refused.stderr
    assert "does not open with key-encryption key 1" in refused.stderr

    restored = run(RESTORE, str(archive), env=script_env(target_url, JOURNAL_MANAGE=manage_command(target)))
    assert restored.returncode == 0, restored.stderr
    assert "2 data keys open with ENCRYPTION_KEYS" in restored.stderr  # alice's search key and first data key

    # A second restore over a database that is no longer empty is refused and changes nothing.
    again = run(RESTORE, str(archive), env=script_env(target_url))
    assert again.returncode == 1 and "already has" in again.stderr

    redis = PrivateRedis().start()  # empty: nothing of the source's Redis comes along
    try:
        target = {**target, "REDIS_URL": redis.url()}
        manage(target, "migrate", "--check")
        # What was sealed opens on the restored database with the same keys.
        template = manage(target, "shell", "--no-imports", "-c",
                          "from diary.models import EntryTemplate; print(EntryTemplate.objects.get().content)")
        assert template.strip().splitlines()[-1] == SECRET
        server, base = gunicorn(target, tmp_path / "target", workers=1, threads=4)
        try:
            session = signed_in_session(base, "alice", PASSWORD)
            page = session.get(f"{base}/diary/{entry_id}/", timeout=10)
            assert page.status_code == 200 and SECRET in page.text
            api = session.get(f"{base}/api/v1/entries/", timeout=10).json()
            assert [e["content"] for e in api["results"]] == [SECRET]
            assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
        finally:
            server.kill()
    finally:
        redis.stop()


def test_backup_without_a_database_url_fails_loudly(tmp_path):
    env_file = tmp_path / "journal.env"
    env_file.write_text("DJANGO_ENV=production\n")
    result = run(BACKUP, str(tmp_path), env={"PATH": os.environ["PATH"], "ENV_FILE": str(env_file)})
    assert result.returncode == 2 and "DATABASE_URL is not set" in result.stderr
    assert list(tmp_path.iterdir()) == [env_file]
