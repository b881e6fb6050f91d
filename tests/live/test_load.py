"""100 concurrent clients for 60 s against gunicorn: no errors, no lost writes."""

import json
import os
import threading
import time
from collections import Counter

import pytest
import requests

from tests.live.conftest import PASSWORD, create_user
from tests.live.servers import gunicorn, manage

pytestmark = [pytest.mark.live, pytest.mark.slow]

CLIENTS = 100
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
USERS = 10


def token(base: str, username: str) -> str:
    response = requests.post(
        base + "/api/v1/auth/token/", json={"username": username, "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 200, response.text[:200]
    return response.json()["access"]


def test_hundred_concurrent_clients_without_errors_or_lost_writes(deployment, tmp_path):
    for n in range(USERS):
        create_user(deployment, f"load{n}")
    server, base = gunicorn(deployment, tmp_path, workers=2, threads=50)
    tokens = [token(base, f"load{n}") for n in range(USERS)]
    outcomes: Counter = Counter()
    created: Counter = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS
    start = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {tokens[number % USERS]}"
        start.wait()
        step = 0
        while time.monotonic() < deadline:
            step += 1
            try:
                if step % 3 == 0:
                    response = session.post(
                        base + "/api/v1/entries/",
                        json={"title": f"c{number}-{step}", "content": "Load test entry.", "mood": 1 + step % 5},
                        timeout=30,
                    )
                    ok = response.status_code == 201
                    if ok:
                        with lock:
                            created[number % USERS] += 1
                elif step % 3 == 1:
                    response = session.get(base + "/api/v1/entries/", timeout=30)
                    ok = response.status_code == 200
                else:
                    response = session.get(base + "/api/v1/me/", timeout=30)
                    ok = response.status_code == 200
                key = "ok" if ok else f"status {response.status_code}"
            except requests.RequestException as exc:
                key = type(exc).__name__
            with lock:
                outcomes[key] += 1

    started = time.monotonic()
    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SECONDS + 120)
    finally:
        server.kill()
    elapsed = time.monotonic() - started
    # The figures, for whoever runs this with -s (no assertion on speed: that is bench/'s job).
    print(
        f"\nload: {sum(outcomes.values()):,} requests in {elapsed:.0f} s by {CLIENTS} clients "
        f"({sum(outcomes.values()) / elapsed:,.0f}/s), {sum(created.values()):,} entries written"
    )

    assert set(outcomes) == {"ok"}, dict(outcomes)
    assert outcomes["ok"] > CLIENTS
    counts = manage(
        deployment,
        "shell",
        "--no-imports",
        "-c",
        "import json; from diary.models import DiaryEntry; from django.db.models import Count; "
        "print(json.dumps(dict(DiaryEntry.objects.values_list('user__username').annotate(n=Count('id')))))",
    )
    stored = json.loads(counts.strip().splitlines()[-1])
    assert stored == {f"load{n}": created[n] for n in range(USERS) if created[n]}
