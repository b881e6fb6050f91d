"""bench/seed_demo.py: realistic demo data in batches (and bench/bench_import.py, which times an import)."""

import io
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from bench import seed_demo
from conversations.models import ConversationHistory
from diary.emotions import EMOTION_CODES, MOOD_MAX, MOOD_MIN
from diary.models import DiaryEntry

pytestmark = pytest.mark.django_db


ROOT = Path(__file__).resolve().parents[1]


def seed(*args: str) -> str:
    out = io.StringIO()
    seed_demo.main(list(args), out=out)
    return out.getvalue()


def test_creates_the_requested_rows_and_reports_rows_per_second():
    output = seed(
        "--users", "6", "--entries-per-user", "40", "--messages-per-user", "4", "--batch-size", "50", "--seed", "7"
    )
    assert get_user_model().objects.filter(username__startswith="demo").count() == 6
    assert DiaryEntry.objects.count() == 240
    assert ConversationHistory.objects.count() == 24
    for what, rows in (("users", 6), ("entries", 240), ("messages", 24), ("total", 270)):
        assert re.search(rf"^{what}: {rows} rows in [\d.]+ s, [\d,]+ rows/s$", output, re.M), output


def test_the_data_looks_like_real_journals():
    seed("--users", "10", "--entries-per-user", "60", "--messages-per-user", "2", "--seed", "3", "--years", "2")
    entries = list(DiaryEntry.objects.all())
    languages = set(get_user_model().objects.values_list("language", flat=True))
    assert languages == {"en", "pl"}
    assert any("ą" in e.content or "ę" in e.content or "ł" in e.content for e in entries)
    lengths = [e.word_count for e in entries]
    assert min(lengths) < 20 and max(lengths) > 100
    assert all(e.word_count == len(e.content.split()) for e in entries)
    moods = {e.mood for e in entries}
    assert {m for m in moods if m is not None} == set(range(MOOD_MIN, MOOD_MAX + 1))
    assert all(set(e.emotion_tags) <= EMOTION_CODES for e in entries)
    assert len({len(e.emotion_tags) for e in entries}) >= 3
    now = timezone.now()
    dates = [e.created_at for e in entries]
    assert max(dates) <= now and min(dates) >= now - timedelta(days=2 * 365 + 1)
    assert max(dates) - min(dates) > timedelta(days=365)


def test_conversations_pair_messages_and_replies_within_retention():
    seed("--users", "2", "--entries-per-user", "0", "--messages-per-user", "5", "--seed", "1")
    messages = ConversationHistory.objects.all()
    assert messages.count() == 10
    questions = messages.filter(role="user")
    assert questions.count() == 6  # 3 per user, the last one waiting for its reply
    assert questions.filter(status="pending").count() == 2
    for reply in messages.filter(role="assistant"):
        assert reply.reply_to.role == "user" and reply.reply_to.mode == reply.mode
        assert reply.reply_to.user_id == reply.user_id
    assert all(m.created_at > timezone.now() - timedelta(days=30) for m in messages)


def test_users_can_sign_in_with_the_demo_password(client):
    seed("--users", "1", "--entries-per-user", "1", "--messages-per-user", "0", "--password", "s3cret-demo")
    assert client.login(username="demo0", password="s3cret-demo")


def test_running_twice_adds_new_users_instead_of_colliding():
    seed("--users", "2", "--entries-per-user", "1", "--messages-per-user", "0")
    seed("--users", "2", "--entries-per-user", "1", "--messages-per-user", "0")
    names = set(get_user_model().objects.values_list("username", flat=True))
    assert names == {"demo0", "demo1", "demo2", "demo3"}


def test_bad_counts_are_refused(capsys):
    with pytest.raises(SystemExit):
        seed("--users", "0")
    assert "--users must be positive" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        seed("--users", "1", "--batch-size", "0")


@pytest.mark.slow
def test_the_scripts_run_against_the_configured_database(tmp_path):
    """As `make bench` runs them: their own process, the journal's settings from the environment.

    Over an embedded database of their own (a fresh VAR_DIR), never the suite's.
    """
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="journal_site.settings_test")

    def run(*command: str) -> str:
        result = subprocess.run(
            [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    run("manage.py", "migrate", "--noinput", "-v0")
    output = run("bench/seed_demo.py", "--users", "2", "--entries-per-user", "3", "--messages-per-user", "2")
    assert re.search(r"^total: 12 rows in [\d.]+ s", output, re.M), output
    output = run("bench/bench_import.py", "--entries", "30")
    assert "first import:" in output and "created 30" in output and "skipped 30" in output, output
