"""In production the Celery worker and beat write JSON lines, like the web, and the cleanups log their counts."""

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).parent / "celery")


def production_env(tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    return {
        **keep,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "celery-logs-" + "k" * 50,
        "ENCRYPTION_KEYS": "1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=",
        "SITE_URL": "https://journal.example",
        "ALLOWED_HOSTS": "journal.example",
        "EMAIL_HOST": "smtp.example",
        "METRICS_TOKEN": "celery-logs-scrape-token",
        "VAR_DIR": str(tmp_path),
        # An in-process broker: the process starts and logs without any service.
        "CELERY_BROKER_URL": "memory://",
    }


def lines_until(args: list[str], env: dict[str, str], marker: str, timeout: float = 60) -> list[str]:
    """Start a Celery process, collect its output until `marker` appears, then stop it."""
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(line.rstrip("\n") for line in process.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and process.poll() is None and not any(marker in line for line in lines):
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        reader.join(5)
    assert any(marker in line for line in lines), "\n".join(lines[-30:])
    # Up to the marker: what follows is the shutdown we caused (Celery prints "worker: Warm shutdown").
    return lines[: next(i for i, line in enumerate(lines) if marker in line) + 1]


def log_lines(lines: list[str]) -> list[dict]:
    """Every line the process wrote, each of which must be a JSON object (warnings aside)."""
    records = []
    for line in lines:
        if not line.strip() or "SecurityWarning" in line or line.startswith((" ", "absolutely", "Please", "User ")):
            continue  # Celery's warning when a test runs as root; the units run as their own user
        records.append(json.loads(line))
    return records


@pytest.mark.slow
def test_worker_logs_json_lines_in_production(tmp_path):
    args = [CELERY, "-A", "journal_site", "--quiet", "worker", "--pool", "solo", "-n", "logs@%h"]
    records = log_lines(lines_until(args, production_env(tmp_path), "ready."))
    assert any(r["name"] == "celery.apps.worker" and r["message"].endswith("ready.") for r in records)
    assert all({"asctime", "levelname", "name", "message"} <= r.keys() for r in records)


@pytest.mark.slow
def test_beat_logs_json_lines_in_production(tmp_path):
    args = [CELERY, "-A", "journal_site", "--quiet", "beat", "--schedule", str(tmp_path / "beat-schedule")]
    records = log_lines(lines_until(args, production_env(tmp_path), "beat: Starting"))
    assert any(r["name"] == "celery.beat" and r["message"] == "beat: Starting..." for r in records)


@pytest.mark.django_db
def test_conversation_cleanup_logs_its_count(caplog):
    from conversations import tasks

    caplog.set_level(logging.INFO, logger="conversations.tasks")
    tasks.cleanup_conversations()
    [record] = [r for r in caplog.records if r.name == "conversations.tasks"]
    assert record.deleted == 0 and "Deleted 0" in record.getMessage()


@pytest.mark.django_db
def test_token_cleanup_logs_its_counts(caplog):
    from accounts import tasks

    caplog.set_level(logging.INFO, logger="accounts.tasks")
    tasks.cleanup_stale_tokens()
    [record] = [r for r in caplog.records if r.name == "accounts.tasks"]
    assert record.revoked == 0 and record.deleted == 0
    assert record.getMessage() == "stale-token cleanup: 0 revoked, 0 deleted"
