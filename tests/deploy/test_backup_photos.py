"""deploy/journal-backup and journal-restore carry the photo folder, and say when the photos live in a bucket.

Stand-ins for pg_dump, pg_restore, psql and journal-manage let the scripts run
without PostgreSQL: the stand-in pg_dump writes a small file, and psql answers
"no tables". The real round trip, with a photo read back byte for byte, is
tests/live/test_backup.py's.
"""

import os
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL = "postgres://journal@127.0.0.1:5432/journal"


@pytest.fixture
def tools(tmp_path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    scripts = {
        "pg_dump": 'for arg in "$@"; do case "$arg" in --file=*) echo PGDMP-stand-in > "${arg#--file=}";; esac; done',
        "pg_restore": "exit 0",
        "psql": "echo 0",
        # encryption_check_keys: reads the data keys and finds they open, unless told otherwise.
        "manage": 'cat >/dev/null; [ -z "${KEYS_REFUSED:-}" ]',
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def run(script: str, tools: Path, tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": f"{tools}:{os.environ['PATH']}", "ENV_FILE": str(tmp_path / "none.env"), "DATABASE_URL": URL,
        "JOURNAL_MANAGE": str(tools / "manage"), "TMPDIR": str(tmp_path), **env,
    }
    return subprocess.run([str(ROOT / "deploy" / script), *args], env=environment, capture_output=True, text=True,
                          timeout=60)


def photo_folder(root: Path) -> Path:
    """A photo folder as the journal keeps it: u<id>/<32 hex> and thumbnails, files 0600, folders 0700."""
    folder = root / "attachments"
    for name in ("u1/" + "a" * 32, "u1/" + "a" * 32 + ".320", "u2/" + "b" * 32):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_bytes(b"sealed:" + name.encode())
        path.chmod(0o600)
    folder.chmod(0o700)
    for sub in folder.iterdir():
        sub.chmod(0o700)
    return folder


def tree(folder: Path) -> dict[str, tuple[str, bytes | None]]:
    return {
        p.relative_to(folder).as_posix(): (oct(p.stat().st_mode & 0o777), None if p.is_dir() else p.read_bytes())
        for p in [folder, *folder.rglob("*")]
    }


def test_the_photo_folder_goes_into_the_archive_and_back_with_its_modes(tools, tmp_path):
    source = photo_folder(tmp_path / "source")
    made = run("journal-backup", tools, tmp_path, str(tmp_path / "backups"), VAR_DIR=str(tmp_path / "source"))
    assert made.returncode == 0, made.stderr
    archive = Path(made.stdout.strip())
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == "database.dump" and "attachments/u1/" + "a" * 32 + ".320" in names
    assert [p.name for p in archive.parent.iterdir()] == [archive.name]

    restored = run("journal-restore", tools, tmp_path, str(archive), ATTACHMENTS_DIR=str(tmp_path / "target" / "p"))
    assert restored.returncode == 0, restored.stderr
    assert "put back 3 photo files" in restored.stderr
    assert tree(tmp_path / "target" / "p") == tree(source)
    assert [p.name for p in (tmp_path / "target").iterdir()] == ["p"]  # nothing left beside it


def test_a_restore_whose_keys_do_not_open_writes_no_photo(tools, tmp_path):
    photo_folder(tmp_path / "source")
    archive = run("journal-backup", tools, tmp_path, str(tmp_path / "backups"),
                  VAR_DIR=str(tmp_path / "source")).stdout.strip()
    (tmp_path / "target").mkdir()
    refused = run("journal-restore", tools, tmp_path, archive, VAR_DIR=str(tmp_path / "target"), KEYS_REFUSED="1")
    assert refused.returncode == 3 and "nothing restored" in refused.stderr
    assert list((tmp_path / "target").iterdir()) == []


def test_a_restore_refuses_a_photo_folder_that_is_not_empty(tools, tmp_path):
    photo_folder(tmp_path / "source")
    archive = run("journal-backup", tools, tmp_path, str(tmp_path / "backups"),
                  VAR_DIR=str(tmp_path / "source")).stdout.strip()
    before = tree(tmp_path / "source" / "attachments")
    refused = run("journal-restore", tools, tmp_path, archive, VAR_DIR=str(tmp_path / "source"))
    assert refused.returncode == 1 and "is not empty; move it aside" in refused.stderr
    assert tree(tmp_path / "source" / "attachments") == before

    # An empty folder (made ahead by the operator) is fine.
    (tmp_path / "target" / "attachments").mkdir(parents=True)
    restored = run("journal-restore", tools, tmp_path, archive, VAR_DIR=str(tmp_path / "target"))
    assert restored.returncode == 0, restored.stderr
    assert tree(tmp_path / "target" / "attachments") == before


def test_with_photos_in_a_bucket_the_backup_says_so_and_archives_the_database_alone(tools, tmp_path):
    photo_folder(tmp_path / "var")  # a leftover folder is not what the journal reads: it is left out
    made = run("journal-backup", tools, tmp_path, str(tmp_path / "backups"), VAR_DIR=str(tmp_path / "var"),
               ATTACHMENTS_S3_BUCKET="journal-photos", ATTACHMENTS_S3_PREFIX="prod")
    assert made.returncode == 0, made.stderr
    assert "the photos live in the bucket s3://journal-photos/prod" in made.stderr
    assert "copy the bucket beside it" in made.stderr
    with tarfile.open(made.stdout.strip()) as tar:
        assert tar.getnames() == ["database.dump"]


def test_the_bucket_is_read_from_the_environment_file_too(tools, tmp_path):
    env_file = tmp_path / "journal.env"
    env_file.write_text(f"DATABASE_URL={URL}\nATTACHMENTS_S3_BUCKET=from-the-file\n")
    made = run("journal-backup", tools, tmp_path, str(tmp_path / "backups"), ENV_FILE=str(env_file))
    assert made.returncode == 0 and "s3://from-the-file/" in made.stderr, made.stderr


def test_a_restore_onto_a_bucket_leaves_the_archives_photos_to_be_copied(tools, tmp_path):
    photo_folder(tmp_path / "source")
    archive = run("journal-backup", tools, tmp_path, str(tmp_path / "backups"),
                  VAR_DIR=str(tmp_path / "source")).stdout.strip()
    (tmp_path / "target").mkdir()
    restored = run("journal-restore", tools, tmp_path, archive, VAR_DIR=str(tmp_path / "target"),
                   ATTACHMENTS_S3_BUCKET="journal-photos")
    assert restored.returncode == 0, restored.stderr
    assert "3 photo files were not put back" in restored.stderr and "s3://journal-photos/" in restored.stderr
    assert list((tmp_path / "target").iterdir()) == []


def test_an_archive_from_before_photos_still_restores(tools, tmp_path):
    """journal-backup made journal-<time>.dump, the pg_dump archive alone, before photos: given as it is."""
    old = tmp_path / "journal-20250101T030000Z.dump"
    old.write_bytes(b"PGDMP-an-older-archive")
    (tmp_path / "target").mkdir()
    restored = run("journal-restore", tools, tmp_path, str(old), VAR_DIR=str(tmp_path / "target"))
    assert restored.returncode == 0, restored.stderr
    assert "photo" not in restored.stderr and list((tmp_path / "target").iterdir()) == []


def test_something_else_is_not_restored(tools, tmp_path):
    other = tmp_path / "notes.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(__file__, arcname="notes.txt")
    refused = run("journal-restore", tools, tmp_path, str(other), VAR_DIR=str(tmp_path))
    assert refused.returncode == 2 and "not an archive of journal-backup" in refused.stderr


def test_old_archives_of_both_kinds_are_removed_after_keep_days(tools, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    for name in ("journal-20200101T000000Z.dump", "journal-20200102T000000Z.tar", "notes.tar"):
        (backups / name).write_text("old")
        os.utime(backups / name, (0, 0))
    made = run("journal-backup", tools, tmp_path, str(backups))
    assert sorted(p.name for p in backups.iterdir()) == sorted(["notes.tar", Path(made.stdout.strip()).name])
