"""Faults against real services: Redis stopped, PostgreSQL restarted.

Each test runs its own PostgreSQL cluster and Redis on private ports and a real
gunicorn with two workers, so stopping them disturbs nothing else.
"""

import contextlib
import subprocess
import time

import pytest
import requests

from tests.live.conftest import PASSWORD
from tests.live.servers import gunicorn, signed_in_session, wait_for

pytestmark = [pytest.mark.live, pytest.mark.slow]


def write_entry(session: requests.Session, base: str, n: int) -> requests.Response:
    return session.post(
        base + "/api/v1/entries/",
        json={"title": f"Entry {n}", "content": f"Written during a fault, number {n}.", "mood": 3},
        timeout=20,
    )


def entry_count(session: requests.Session, base: str) -> int:
    response = session.get(base + "/api/v1/entries/?limit=100", timeout=20)
    assert response.status_code == 200, response.text[:200]
    return len(response.json()["results"])


def test_redis_outage_slows_the_site_but_never_breaks_it(deployment, redis_server, tmp_path):
    env = {**deployment, "RATE_LIMIT_PER_MINUTE": "40"}
    server, base = gunicorn(env, tmp_path)
    try:
        alice = signed_in_session(base, "alice", PASSWORD)
        assert alice.get(base + "/diary/", timeout=10).status_code == 200
        assert write_entry(alice, base, 1).status_code == 201

        redis_server.stop()
        # Pages and API still answer, alice is still signed in, writes are saved.
        page = alice.get(base + "/diary/", timeout=20, allow_redirects=False)
        assert page.status_code == 200
        assert write_entry(alice, base, 2).status_code == 201
        assert entry_count(alice, base) == 2
        # The rate limiter fails open: more requests than the limit all pass.
        statuses = {alice.get(base + "/api/v1/me/", timeout=20).status_code for _ in range(45)}
        assert statuses == {200}
        assert requests.get(base + "/readyz", timeout=20).json()["checks"]["cache"] == "failed"

        redis_server.start()
        # Caching resumes without a restart: readiness recovers and keys appear again.
        wait_for(lambda: requests.get(base + "/readyz", timeout=10).status_code == 200, 30, "readiness")
        alice.get(base + "/diary/", timeout=10)
        from redis import Redis

        assert Redis(port=redis_server.port).dbsize() > 0
        assert alice.get(base + "/diary/", timeout=10).status_code == 200
    finally:
        server.kill()


def test_postgres_restart_fails_cleanly_then_recovers_by_itself(deployment, postgres, tmp_path):
    env = {**deployment, "DB_POOL_TIMEOUT": "3"}
    server, base = gunicorn(env, tmp_path)
    try:
        alice = signed_in_session(base, "alice", PASSWORD)
        assert write_entry(alice, base, 1).status_code == 201

        postgres.stop()
        started = time.monotonic()
        during = alice.get(base + "/api/v1/entries/", timeout=30)
        assert during.status_code == 503, during.text[:300]
        assert during.headers["Retry-After"]
        assert time.monotonic() - started < 15  # the pool timeout, not a hang
        page = alice.get(base + "/diary/", timeout=30)
        assert page.status_code == 503 and "unavailable" in page.text
        ready = requests.get(base + "/readyz", timeout=30)
        assert ready.status_code == 503 and ready.json()["checks"]["database"] == "failed"

        postgres.start()
        wait_for(lambda: alice.get(base + "/api/v1/entries/", timeout=10).status_code == 200, 60, "recovery")
        assert write_entry(alice, base, 2).status_code == 201
        assert entry_count(alice, base) == 2
    finally:
        server.kill()
        # The cluster is shared by the other live tests: leave it running even if this test failed midway.
        with contextlib.suppress(subprocess.CalledProcessError):
            postgres.start()


def test_after_a_longer_postgres_outage_the_site_heals_at_once_and_probes_answer_fast(deployment, postgres, tmp_path):
    """Half a minute down with traffic: probes answer within seconds throughout, and pages serve again within
    seconds of PostgreSQL's return, not after the pool's growing reconnection back-off."""
    server, base = gunicorn(deployment, tmp_path)  # the shipped DB_POOL_TIMEOUT and reconnection settings
    try:
        alice = signed_in_session(base, "alice", PASSWORD)
        assert write_entry(alice, base, 1).status_code == 201
        postgres.stop()
        slowest_probe = 0.0
        down_until = time.monotonic() + 35
        while time.monotonic() < down_until:  # traffic and probes through the outage
            started = time.monotonic()
            ready = requests.get(base + "/readyz", timeout=30)
            slowest_probe = max(slowest_probe, time.monotonic() - started)
            assert ready.status_code == 503
            with contextlib.suppress(requests.RequestException):
                alice.get(base + "/api/v1/entries/", timeout=30)
        postgres.start()
        back = time.monotonic()
        wait_for(lambda: alice.get(base + "/api/v1/entries/", timeout=30).status_code == 200, 90, "recovery")
        healed = time.monotonic() - back
        print(f"slowest /readyz during the outage {slowest_probe:.1f} s; pages again {healed:.1f} s after the return")
        assert slowest_probe < 5
        assert healed < 15
        assert write_entry(alice, base, 2).status_code == 201
    finally:
        server.kill()
        with contextlib.suppress(subprocess.CalledProcessError):
            postgres.start()
