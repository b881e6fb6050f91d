"""deploy/journal-backup and journal-restore keep the database password off their command lines.

Stand-ins for pg_dump, pg_restore and psql record what they were given: the
arguments (which every user of the machine sees in ps) and PGPASSWORD (which
they do not). The real round trip is tests/live/test_backup.py's.
"""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret/pw@1"
URL = "postgres://journal:s3cret%2Fpw%401@db.example:5432/journal?sslmode=require"
BOUNCER = "postgres://journal:other@127.0.0.1:6432/journal"


@pytest.fixture
def tools(tmp_path) -> Path:
    """pg_dump, pg_restore and psql that write their arguments and PGPASSWORD to a log, then succeed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    for name in ("pg_dump", "pg_restore", "psql"):
        tool = bin_dir / name
        tool.write_text(
            "#!/bin/sh\n"
            f'printf "%s|%s|%s\\n" "{name}" "$*" "${{PGPASSWORD:-}}" >> "{log}"\n'
            # pg_dump writes its --file; psql answers "no tables".
            'for arg in "$@"; do case "$arg" in --file=*) : > "${arg#--file=}";; esac; done\n'
            'if [ "$(basename "$0")" = psql ]; then echo 0; fi\n'
        )
        tool.chmod(0o755)
    return bin_dir


def _run(script: str, tools: Path, tmp_path: Path, *args: str, **env: str) -> list[list[str]]:
    environment = {"PATH": f"{tools}:{os.environ['PATH']}", "ENV_FILE": str(tmp_path / "none.env"), **env}
    result = subprocess.run(
        [str(ROOT / "deploy" / script), *args], env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [line.split("|") for line in (tmp_path / "calls.log").read_text().splitlines()]


def test_the_backup_gives_pg_dump_the_password_in_its_environment_only(tools, tmp_path):
    calls = _run("journal-backup", tools, tmp_path, str(tmp_path / "backups"), DATABASE_URL=URL)
    dump = next(call for call in calls if call[0] == "pg_dump")
    assert "s3cret" not in dump[1] and "--dbname=postgres://journal@db.example:5432/journal?sslmode=require" in dump[1]
    assert dump[2] == SECRET


def test_the_backup_prefers_backup_database_url_over_a_bouncer(tools, tmp_path):
    env_file = tmp_path / "journal.env"
    env_file.write_text(f"DATABASE_URL={BOUNCER}\nBACKUP_DATABASE_URL={URL}\n")
    calls = _run("journal-backup", tools, tmp_path, str(tmp_path / "backups"), ENV_FILE=str(env_file))
    dump = next(call for call in calls if call[0] == "pg_dump")
    assert "db.example:5432" in dump[1] and "6432" not in dump[1] and dump[2] == SECRET


def test_a_url_without_a_password_passes_as_it_is(tools, tmp_path):
    calls = _run("journal-backup", tools, tmp_path, str(tmp_path / "backups"),
                 DATABASE_URL="postgres://postgres@127.0.0.1:5432/journal")
    dump = next(call for call in calls if call[0] == "pg_dump")
    assert "--dbname=postgres://postgres@127.0.0.1:5432/journal" in dump[1] and dump[2] == ""


def test_a_backup_is_recorded_for_its_alert_and_stands_when_it_cannot_be(tools, tmp_path):
    """journal-backup runs `journal-manage backup_recorded <archive>` (docs/metrics.md); if that fails the
    backup is still made and the script still succeeds, with a warning."""
    import shutil

    deploy = tmp_path / "deploy"
    deploy.mkdir()
    for name in ("journal-backup", "journal-dburl"):
        shutil.copy(ROOT / "deploy" / name, deploy / name)
    recorded = tmp_path / "recorded.log"
    manage = deploy / "journal-manage"
    manage.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{recorded}"\n')
    manage.chmod(0o755)
    environment = {"PATH": f"{tools}:{os.environ['PATH']}", "DATABASE_URL": URL}
    done = subprocess.run([str(deploy / "journal-backup"), str(tmp_path / "backups")], env=environment,
                          capture_output=True, text=True, timeout=60, check=True)
    archive = done.stdout.strip()
    assert recorded.read_text().split() == ["backup_recorded", archive]

    manage.write_text("#!/bin/sh\nexit 1\n")
    done = subprocess.run([str(deploy / "journal-backup"), str(tmp_path / "backups")], env=environment,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and Path(done.stdout.strip()).name.startswith("journal-")
    assert "could not record it" in done.stderr


def test_journal_manage_runs_directly_for_the_journal_user_itself(tmp_path):
    """journal-backup.service runs as the journal user with NoNewPrivileges: runuser would refuse it, so
    journal-manage runs manage.py directly when it already is that user."""
    import getpass

    app = tmp_path / "app"
    (app / ".venv" / "bin").mkdir(parents=True)
    calls = tmp_path / "python.log"
    python = app / ".venv" / "bin" / "python"
    python.write_text(f'#!/bin/sh\nprintf "%s|%s\\n" "$*" "${{SITE_URL:-}}" >> "{calls}"\n')
    python.chmod(0o755)
    env_file = tmp_path / "journal.env"
    env_file.write_text("SITE_URL=https://journal.example.com\n")
    environment = {"PATH": os.environ["PATH"], "APP_DIR": str(app), "ENV_FILE": str(env_file),
                   "RUN_AS": getpass.getuser()}
    subprocess.run([str(ROOT / "deploy" / "journal-manage"), "backup_recorded", "/x.dump"], env=environment,
                   check=True, capture_output=True, text=True, timeout=30)
    assert calls.read_text().splitlines() == ["manage.py backup_recorded /x.dump|https://journal.example.com"]
