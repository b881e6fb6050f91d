"""A broker outage loses nothing: sign-up, password reset and a large import
answer normally with Redis (cache and broker) stopped, and their emails and
the import complete once Redis is back and a worker runs."""

import json
import re
import time

import pytest
import requests

from tests.live.conftest import PASSWORD
from tests.live.servers import celery_worker, gunicorn, manage, signed_in_session, wait_for

pytestmark = [pytest.mark.live, pytest.mark.slow]


def big_export(entries: int) -> bytes:
    records = [
        {
            "uid": f"journal:outage-{n}",
            "created_at": f"2024-01-01T10:{n // 60 % 60:02d}:{n % 60:02d}+00:00",
            "title": f"Entry {n}",
            "content": f"Written before the outage, number {n}. " * 4,
            "mood": 3,
            "emotion_tags": ["calm"],
        }
        for n in range(entries)
    ]
    return json.dumps({"format": "journal-export", "version": 1, "entries": records}).encode()


def test_redis_outage_loses_no_signup_reset_or_import(deployment, redis_server, tmp_path):
    server, base = gunicorn(deployment, tmp_path)
    worker = None
    try:
        alice = signed_in_session(base, "alice", PASSWORD)
        redis_server.stop()

        # Sign-up page.
        browser = requests.Session()
        browser.get(base + "/accounts/signup/", timeout=20)
        form = {
            "username": "nina", "email": "nina@example.com", "password1": "a-long-pass-phrase-81",
            "password2": "a-long-pass-phrase-81", "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        }
        response = browser.post(
            base + "/accounts/signup/", data=form, headers={"Referer": base + "/accounts/signup/"},
            timeout=20, allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:300]

        # API register.
        response = requests.post(
            base + "/api/v1/auth/register/",
            json={"username": "omar", "email": "omar@example.com", "password": "another-pass-phrase-92"},
            timeout=20,
        )
        assert response.status_code == 201, response.text[:300]

        # Password reset.
        anon = requests.Session()
        anon.get(base + "/accounts/password/reset/", timeout=20)
        response = anon.post(
            base + "/accounts/password/reset/",
            data={"email": "alice@example.com", "csrfmiddlewaretoken": anon.cookies["csrftoken"]},
            headers={"Referer": base + "/accounts/password/reset/"},
            timeout=20, allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:300]

        # A large import (over 256 KB: the worker's job).
        data = big_export(1500)
        assert len(data) > 256 * 1024
        response = alice.post(base + "/api/v1/import/", files={"file": ("export.json", data)}, timeout=60)
        assert response.status_code == 202, response.text[:300]
        job_id = response.json()["id"]
        assert response.json()["status"] == "pending"

        # Readiness: the site serves, so it stays in the balancer, reported as degraded.
        time.sleep(2)  # past the cached readiness result
        response = requests.get(base + "/readyz", timeout=20)
        assert response.status_code == 200 and response.json()["status"] == "degraded"

        log = (tmp_path / "gunicorn.log").read_text()
        assert "Traceback" not in log
        assert " 500 " not in log
        # Two welcome emails, two statistics refreshes, a reset email and the import wait.
        count = "from journal_site.models import OutboxMessage; print(OutboxMessage.objects.count())"
        assert manage(deployment, "shell", "--no-imports", "-c", count).strip() == "6"

        # Redis is back; a worker starts and relays the outbox.
        redis_server.start()
        worker = celery_worker(deployment, tmp_path, "after-outage")
        celery_log = tmp_path / "celery-after-outage.log"

        def job_done() -> bool:
            return alice.get(f"{base}/api/v1/import/{job_id}/", timeout=10).json()["status"] == "done"

        wait_for(job_done, 120, "the import job")
        wait_for(lambda: len(re.findall(r"To: (?:nina|omar|alice)@example.com", celery_log.read_text())) >= 3,
                 60, "three emails")
        mails = celery_log.read_text()
        assert "To: nina@example.com" in mails and "To: omar@example.com" in mails
        assert "To: alice@example.com" in mails and "/accounts/password/reset/" in mails
        assert alice.get(f"{base}/api/v1/import/{job_id}/", timeout=10).json()["created"] == 1500
        wait_for(lambda: manage(deployment, "relay_outbox").strip() == "sent 0, waiting 0", 30, "an empty outbox")
    finally:
        if worker is not None:
            worker.kill()
        server.kill()
