"""PostgreSQL connections: PgBouncer in transaction mode works end to end, and
two web nodes on default settings stay within their connection budget."""

import json
import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests

from tests.live.conftest import PASSWORD, create_user
from tests.live.servers import (
    PYTHON,
    ROOT,
    PrivatePgBouncer,
    PrivatePostgres,
    app_env,
    gunicorn,
    manage,
    signed_in_session,
    wait_for,
)

pytestmark = [pytest.mark.live, pytest.mark.slow]

REMINDER_RUN = "from diary.reminders import reminders_send_due; print(reminders_send_due())"


def test_live_scenario_through_pgbouncer_in_transaction_mode(postgres, redis_server, tmp_path):
    if not PrivatePgBouncer.available() and not os.environ.get("CI"):
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer)")
    postgres.create_database("jbouncer")
    bouncer = PrivatePgBouncer(postgres, pool_size=10).start()
    server = None
    try:
        env = app_env(
            tmp_path, DATABASE_URL=bouncer.url("jbouncer"), DB_PGBOUNCER="1", REDIS_URL=redis_server.url(),
            RATE_LIMIT_PER_MINUTE="100000",
        )
        manage(env, "migrate", "--noinput")
        create_user(env, "alice")
        manage(env, "shell", "--no-imports", "-c",
               "import datetime; from accounts.models import User; "
               "User.objects.create_user('remi', 'remi@example.com', 'x-pass-phrase-73', "
               "reminder_enabled=True, reminder_time=datetime.time(0, 0))")
        server, base = gunicorn(env, tmp_path, workers=2, threads=8)

        # Sign up.
        response = requests.post(
            base + "/api/v1/auth/register/",
            json={"username": "nina", "email": "nina@example.com", "password": "a-long-pass-phrase-81"},
            timeout=20,
        )
        assert response.status_code == 201, response.text[:300]

        # Concurrent writes.
        alice = signed_in_session(base, "alice", PASSWORD)

        def write(n: int) -> int:
            entry = {"title": f"Entry {n}", "content": f"Written through the pooler, {n}.", "mood": 3}
            return alice.post(base + "/api/v1/entries/", json=entry, timeout=30).status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            assert list(pool.map(write, range(60))) == [201] * 60

        # Streamed exports, several at once, each complete.
        def export(path: str) -> requests.Response:
            return alice.get(base + path, timeout=60)

        paths = ["/api/v1/export/", "/api/v1/export/csv/", "/api/v1/export/markdown/"] * 3
        with ThreadPoolExecutor(max_workers=9) as pool:
            responses = list(pool.map(export, paths))
        assert [r.status_code for r in responses] == [200] * 9
        for response in responses[::3]:
            assert len(json.loads(response.content)["entries"]) == 60
        for response in responses[1::3]:
            assert response.content.decode().count("\n") == 61  # header and 60 rows

        # The daily reminder claim: two runs at once send one email.
        runs = [
            subprocess.Popen([PYTHON, "manage.py", "shell", "--no-imports", "-c", REMINDER_RUN], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert all(run.returncode == 0 for run in runs), outputs
        assert sorted(out.strip().splitlines()[-1] for out, _err in outputs) == ["0", "1"]
    finally:
        if server is not None:
            server.kill()
        bouncer.stop()


def test_two_web_nodes_on_defaults_stay_within_their_connection_budget(redis_server, tmp_path):
    postgres = PrivatePostgres(max_connections=100).init()
    servers = []
    try:
        url = postgres.create_database("jbudget")
        env = app_env(tmp_path, DATABASE_URL=url, REDIS_URL=redis_server.url(), RATE_LIMIT_PER_MINUTE="100000",
                      DB_POOL_MAX_IDLE="1")
        manage(env, "migrate", "--noinput")
        create_user(env, "alice")
        manage(env, "shell", "--no-imports", "-c",
               "from accounts.models import User; from diary.tests.factories import EntryFactory; "
               "EntryFactory.create_batch(400, user=User.objects.get(username='alice'))")
        # The defaults: no DB_POOL_MIN/MAX, threads from MAX_CONNECTIONS.
        env = {k: v for k, v in env.items() if k not in ("DB_POOL_MIN", "DB_POOL_MAX")}
        for node in ("a", "b"):
            node_dir = tmp_path / node
            node_dir.mkdir()
            servers.append(gunicorn(env, node_dir, workers=2, threads=50))
        budget = 2 * 2 * 16
        token = requests.post(
            servers[0][1] + "/api/v1/auth/token/", json={"username": "alice", "password": PASSWORD}, timeout=20
        ).json()["access"]
        headers = {"Authorization": f"Bearer {token}", "Connection": "close"}

        counts: list[int] = []
        stop = threading.Event()

        def watch() -> None:
            with psycopg.connect(postgres.url("postgres"), autocommit=True) as conn:
                while not stop.is_set():
                    counts.append(conn.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'jbudget'").fetchone()[0])
                    time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        barrier = threading.Barrier(200)

        def one(n: int) -> int:
            base = servers[n % 2][1]
            barrier.wait()
            # A streamed export holds its connection for the whole response.
            response = requests.get(base + "/api/v1/export/csv/", headers=headers, timeout=120)
            return response.status_code if response.content.count(b"\n") == 401 else -1

        try:
            with ThreadPoolExecutor(max_workers=200) as pool:
                statuses = list(pool.map(one, range(200)))
            # An operator still gets in during the burst's aftermath.
            with psycopg.connect(url, connect_timeout=5) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)
        finally:
            stop.set()
            watcher.join()
        assert statuses == [200] * 200
        assert max(counts) <= budget, f"peak {max(counts)} connections, budget {budget}"
        # Idle connections beyond the minimum (2 per worker) are closed again.
        idle_floor = 2 * 2 * 2

        def shrunk() -> bool:
            with psycopg.connect(postgres.url("postgres"), autocommit=True) as conn:
                return conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = 'jbudget'").fetchone()[0] <= idle_floor

        wait_for(shrunk, 60, "the pools to shrink")
        print(f"\nconnections: peak {max(counts)} of budget {budget}")
    finally:
        for server, _base in servers:
            server.kill()
        postgres.destroy()
