"""deploy/journal-backup and deploy/journal-restore: an archive restored into an empty database is the journal.

A private PostgreSQL with a migrated journal, a user, an entry and a photo; the
backup script archives the database (pg_dump -Fc) and the photo folder, the
photo folder is wiped, the restore script loads the archive into a new empty
database and an empty photo folder, `migrate --check` finds nothing to do, the
photo reads back byte for byte, and gunicorn on the restored database, with a
brand-new empty Redis, lets the user sign in and read the entry: nothing in
Redis is needed after a restore.
"""

import base64
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
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


def read_photo(env: dict[str, str], out: Path) -> None:
    """The photo's original and 320 px thumbnail as attachment_read gives them, into out.original and out.320."""
    manage(
        env, "shell", "--no-imports", "-c",
        "from pathlib import Path; from diary.models import Attachment; "
        "from diary.attachments import attachment_read; "
        f"photo = Attachment.objects.get(); out = Path({str(out)!r}); "
        "out.with_suffix('.original').write_bytes(attachment_read(attachment=photo)); "
        "out.with_suffix('.320').write_bytes(attachment_read(attachment=photo, variant='320'))",
    )


def modes(folder: Path) -> set[tuple[str, str]]:
    """Each file's and folder's kind and mode under `folder`, the folder itself included."""
    paths = [folder, *folder.rglob("*")]
    return {("dir" if p.is_dir() else "file", oct(p.stat().st_mode & 0o777)) for p in paths}


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
    source_redis = PrivateRedis().start()  # the photo's thumbnail task is queued here, not on the machine's Redis
    source = app_env(tmp_path / "source", DATABASE_URL=source_url, REDIS_URL=source_redis.url(), ENCRYPTION_KEYS=KEYS)
    try:
        manage(source, "migrate", "--noinput")
        create_user(source, "alice")
        entry_id = int(
            manage(
                source, "shell", "--no-imports", "-c",
                "import io; from PIL import Image; "
                "from accounts.models import User; from diary.models import DiaryEntry; "
                "from diary.models import EntryTemplate; "
                "from diary.attachments import attachment_create, attachment_thumbnails_make; "
                "alice = User.objects.get(username='alice'); "
                f"EntryTemplate.objects.create(user=alice, name='Kept', content={SECRET!r}); "
                f"entry = DiaryEntry.objects.create(user=alice, title='Kept', content={SECRET!r}); "
                "jpeg = io.BytesIO(); Image.effect_noise((640, 480), 60).convert('RGB').save(jpeg, 'JPEG'); "
                "jpeg.seek(0); photo = attachment_create(entry=entry, source=jpeg); "
                "attachment_thumbnails_make(attachment_id=photo.pk); "
                "print(entry.pk)",
            ).strip().splitlines()[-1]
        )
        read_photo(source, tmp_path / "source" / "photo")
    finally:
        source_redis.stop()
    photos = tmp_path / "source" / "attachments"
    stored = sorted(p.relative_to(photos).as_posix() for p in photos.rglob("*") if p.is_file())
    assert len(stored) == 3 and stored[0].startswith("u") and {n.rpartition(".")[2] for n in stored[1:]} == {
        "320", "1280"}, stored
    assert modes(photos) == {("dir", "0o700"), ("file", "0o600")}

    backups = tmp_path / "backups"
    dumped = run(BACKUP, env=script_env(source_url, BACKUP_DIR=str(backups), VAR_DIR=str(tmp_path / "source")))
    assert dumped.returncode == 0, dumped.stderr
    assert "bucket" not in dumped.stderr  # photos in a folder go into the archive
    archive = Path(dumped.stdout.strip())
    assert archive.parent == backups and archive.name.startswith("journal-") and archive.suffix == ".tar"
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in backups.iterdir()] == [archive.name]  # no partial file left behind
    with tarfile.open(archive) as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert tar.extractfile("database.dump").read(5) == b"PGDMP"  # pg_dump's custom format
    assert {name.removeprefix("attachments/") for name in members if name.count("/") == 2} == set(stored)
    # As they are in the folder: sealed (no JPEG inside), with their modes.
    assert {(m.name.count("/"), oct(m.mode)) for m in members.values() if m.name.startswith("attachments")} == {
        (0, "0o700"), (1, "0o700"), (2, "0o600")}
    for name in stored:
        sealed = (photos / name).read_bytes()
        assert b"\xff\xd8\xff" not in sealed[:16] and b"JFIF" not in sealed

    shutil.rmtree(photos)  # the machine is gone: only the archive is left

    target_url = postgres.create_database("jbackup_target")
    target = app_env(tmp_path / "target", DATABASE_URL=target_url, ENCRYPTION_KEYS=KEYS)
    target_folder = {"VAR_DIR": str(tmp_path / "target")}
    # A machine without the deployment's key is refused before anything is written.
    elsewhere = {**target, "ENCRYPTION_KEYS": OTHER_KEYS}
    refused = run(RESTORE, str(archive),
                  env=script_env(target_url, JOURNAL_MANAGE=manage_command(elsewhere), **target_folder))
    assert refused.returncode == 3 and "do not open the archive's data keys" in refused.stderr, refused.stderr
    assert "does not open with key-encryption key 1" in refused.stderr
    assert not [p for p in (tmp_path / "target").iterdir() if "attachments" in p.name]

    restored = run(RESTORE, str(archive),
                   env=script_env(target_url, JOURNAL_MANAGE=manage_command(target), **target_folder))
    assert restored.returncode == 0, restored.stderr
    assert "2 data keys open with ENCRYPTION_KEYS" in restored.stderr  # alice's search key and first data key
    assert "put back 3 photo files" in restored.stderr and "WARNING" not in restored.stderr, restored.stderr
    back = tmp_path / "target" / "attachments"
    assert sorted(p.relative_to(back).as_posix() for p in back.rglob("*") if p.is_file()) == stored
    assert modes(back) == {("dir", "0o700"), ("file", "0o600")}
    assert [p.name for p in (tmp_path / "target").iterdir() if "attachments" in p.name] == ["attachments"]

    # A second restore over a database that is no longer empty is refused and changes nothing.
    again = run(RESTORE, str(archive), env=script_env(target_url, **target_folder))
    assert again.returncode == 1 and "already has" in again.stderr
    # So is one into an empty database beside a photo folder that is not empty.
    third_url = postgres.create_database("jbackup_third")
    again = run(RESTORE, str(archive), env=script_env(third_url, **target_folder))
    assert again.returncode == 1 and "is not empty" in again.stderr, again.stderr
    assert sorted(p.relative_to(back).as_posix() for p in back.rglob("*") if p.is_file()) == stored

    redis = PrivateRedis().start()  # empty: nothing of the source's Redis comes along
    try:
        target = {**target, "REDIS_URL": redis.url()}
        manage(target, "migrate", "--check")
        # What was sealed opens on the restored database with the same keys.
        template = manage(target, "shell", "--no-imports", "-c",
                          "from diary.models import EntryTemplate; print(EntryTemplate.objects.get().content)")
        assert template.strip().splitlines()[-1] == SECRET
        # The photo and its thumbnail, byte for byte what they were before the backup.
        read_photo(target, tmp_path / "target" / "photo")
        for variant in ("original", "320"):
            before = (tmp_path / "source" / f"photo.{variant}").read_bytes()
            assert (tmp_path / "target" / f"photo.{variant}").read_bytes() == before and len(before) > 1000
        server, base = gunicorn(target, tmp_path / "target", workers=1, threads=4)
        try:
            session = signed_in_session(base, "alice", PASSWORD)
            page = session.get(f"{base}/diary/{entry_id}/", timeout=10)
            assert page.status_code == 200 and SECRET in page.text
            api = session.get(f"{base}/api/v1/entries/", timeout=10).json()
            assert [e["content"] for e in api["results"]] == [SECRET]
            [photo] = session.get(f"{base}/api/v1/entries/{entry_id}/attachments/", timeout=10).json()
            served = session.get(base + photo["url"], timeout=10)
            assert served.status_code == 200
            assert served.content == (tmp_path / "source" / "photo.original").read_bytes()
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
