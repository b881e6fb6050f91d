"""Celery against real services: a worker killed mid-task, two beats by mistake.

Each test runs its own PostgreSQL and Redis (the broker), real worker and beat
processes, and for the companion a slow stand-in of an OpenAI-compatible server.
"""

import json
import re
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.live.conftest import PASSWORD
from tests.live.servers import BIN, Service, celery_worker, gunicorn, manage, wait_for

pytestmark = [pytest.mark.live, pytest.mark.slow]


class SlowModel:
    """A chat-completions server whose first answer never comes; later ones come at once."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = threading.Event()
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                model.calls += 1
                if model.calls == 1:
                    model.release.wait(60)  # the worker is killed while it waits here
                body = json.dumps({"choices": [{"message": {"content": "A reply from the model."}}]}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the killed worker's connection is gone
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> "SlowModel":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def token(base: str) -> str:
    response = requests.post(base + "/api/v1/auth/token/", json={"username": "alice", "password": PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text[:200]
    return response.json()["access"]


def test_killed_worker_task_runs_again_elsewhere_and_replies_once(deployment, tmp_path):
    with SlowModel() as model:
        env = {
            **deployment,
            "AI_PROVIDER": "openai",
            "AI_BASE_URL": model.url,
            "AI_TIMEOUT_SECONDS": "120",
            # The broker hands an unacknowledged task to another worker after this long.
            "CELERY_VISIBILITY_TIMEOUT": "3",
        }
        server, base = gunicorn(env, tmp_path, workers=1, threads=4)
        first = celery_worker(env, tmp_path, "first")
        second = None
        try:
            api = requests.Session()
            api.headers["Authorization"] = f"Bearer {token(base)}"
            sent = api.post(base + "/api/v1/conversations/supportive/messages/", json={"content": "Hello"}, timeout=30)
            assert sent.status_code == 202, sent.text[:300]

            # The first worker has the task and waits for the model: kill it without warning.
            wait_for(lambda: model.calls == 1, 60, "the first worker's call to the model")
            first.kill(signal.SIGKILL)
            second = celery_worker(env, tmp_path, "second")

            def replied() -> bool:
                history = api.get(base + "/api/v1/conversations/supportive/messages/", timeout=10).json()
                return any(m["role"] == "assistant" for m in history["results"])

            wait_for(replied, 90, "the reply from the second worker")
            # Long enough for a redelivery of a finished task to show up too: it must store nothing.
            time.sleep(5)
            history = api.get(base + "/api/v1/conversations/supportive/messages/", timeout=10).json()["results"]
        finally:
            model.release.set()
            for service in (first, second, server):
                if service is not None:
                    service.kill()

    assert model.calls >= 2  # the task ran again after the kill
    replies = [m for m in history if m["role"] == "assistant"]
    assert len(replies) == 1, history
    assert replies[0]["content"] == "A reply from the model."
    assert [m["status"] for m in history if m["role"] == "user"] == ["answered"]
    stored = manage(
        deployment,
        "shell",
        "--no-imports",
        "-c",
        "from conversations.models import ConversationHistory as C; print(C.objects.filter(role='assistant').count())",
    )
    assert stored.strip().splitlines()[-1] == "1"


def test_two_beats_by_mistake_run_each_daily_cleanup_once(deployment, tmp_path):
    # One message past retention, so the cleanup that runs has something to delete.
    manage(
        deployment,
        "shell",
        "--no-imports",
        "-c",
        "from datetime import timedelta; from django.utils import timezone; "
        "from accounts.models import User; from conversations.models import ConversationHistory as C; "
        "m = C.objects.create(user=User.objects.get(username='alice'), mode='supportive', role='user', "
        "content='old', status='answered'); "
        "C.objects.filter(pk=m.pk).update(created_at=timezone.now() - timedelta(days=90))",
    )
    celery = str(BIN / "celery")
    worker = Service(
        [celery, "-A", "journal_site", "worker", "--pool", "solo", "-n", "cleanup@%h", "--loglevel", "INFO"],
        deployment,
        tmp_path / "celery-cleanup.log",
    ).start()
    beats = [
        Service(
            [celery, "-A", "tests.live.beat_app", "beat", "-l", "INFO", "-s", str(tmp_path / f"beat{n}")],
            deployment,
            tmp_path / f"beat{n}.log",
        ).start()
        for n in (1, 2)
    ]
    log = tmp_path / "celery-cleanup.log"

    def runs(task: str) -> list[str]:
        pattern = rf"Task {re.escape(task)}\[[^\]]+\] succeeded in [0-9.e-]+s: (.*)"
        return re.findall(pattern, log.read_text(errors="replace"))

    try:
        # Both beats have sent each cleanup several times and the worker has run them all.
        wait_for(
            lambda: (
                len(runs("conversations.cleanup_conversations")) >= 6
                and len(runs("accounts.cleanup_stale_tokens")) >= 6
            ),
            60,
            "repeated cleanups",
        )
    finally:
        for service in (*beats, worker):
            service.kill()

    beat_logs = [(tmp_path / f"beat{n}.log").read_text(errors="replace") for n in (1, 2)]
    assert all("Sending due task cleanup-conversations" in text for text in beat_logs), beat_logs
    conversations = runs("conversations.cleanup_conversations")
    assert conversations.count("1") == 1, conversations  # deleted the old message, once
    assert set(conversations) == {"1", "0"}
    tokens = runs("accounts.cleanup_stale_tokens")
    assert sum(result != "None" for result in tokens) == 1, tokens  # the later runs found the day's lock
    left = manage(
        deployment,
        "shell",
        "--no-imports",
        "-c",
        "from conversations.models import ConversationHistory as C; print(C.objects.count())",
    )
    assert left.strip().splitlines()[-1] == "0"


def test_an_import_whose_worker_was_killed_goes_on_with_another_worker(deployment, tmp_path):
    """kill -9 of the worker mid-import, with the shipped visibility timeout (an hour): nothing of the import
    is saved, and the watchdog beat runs every minute hands it to the next worker, which imports it once."""
    rows = 20_000
    export = {"format": "journal-export", "version": 1, "entries": [
        {"uid": f"journal:live-{n}", "created_at": "2026-01-01T12:00:00+00:00", "title": f"Day {n}",
         "content": f"Entry number {n} of the import.", "mood": 3} for n in range(rows)
    ]}
    server, base = gunicorn(deployment, tmp_path, workers=1, threads=4)
    first = celery_worker(deployment, tmp_path, "first")
    second = None
    try:
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {token(base)}"
        started = api.post(base + "/api/v1/import/", files={"file": ("export.json", json.dumps(export))}, timeout=60)
        assert started.status_code == 202, started.text[:300]
        status_url = f"{base}/api/v1/import/{started.json()['id']}/"

        def inserting() -> bool:
            job = api.get(status_url, timeout=10).json()
            return job["status"] == "running" and job["processed"] > 0

        wait_for(inserting, 120, "the first worker inserting rows")
        first.kill(signal.SIGKILL)
        assert api.get(status_url, timeout=10).json()["status"] == "running"
        count = "from diary.models import DiaryEntry as E; print(E.objects.count())"
        assert manage(deployment, "shell", "--no-imports", "-c", count).strip().splitlines()[-1] == "0"

        second = celery_worker(deployment, tmp_path, "second")
        # The watchdog as beat queues it every minute, run as it would be five minutes on.
        resumed = manage(
            deployment, "shell", "--no-imports", "-c",
            "from datetime import timedelta; from django.utils import timezone; "
            "from portability.imports import import_jobs_resume; "
            "print(import_jobs_resume(now=timezone.now() + timedelta(minutes=6)))",
        )
        assert resumed.strip().splitlines()[-1] == "1"
        wait_for(lambda: api.get(status_url, timeout=10).json()["status"] == "done", 180, "the import, done")
        job = api.get(status_url, timeout=10).json()
    finally:
        for service in (first, second, server):
            if service is not None:
                service.kill()
    assert (job["created"], job["processed"]) == (rows, rows)
    assert manage(deployment, "shell", "--no-imports", "-c", count).strip().splitlines()[-1] == str(rows)
