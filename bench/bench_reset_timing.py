"""Does a password-reset request take the same time for a registered address and an unknown one?

    DATABASE_URL=postgres://... REDIS_URL=redis://.../N CELERY_BROKER_URL=... \\
        .venv/bin/python bench/bench_reset_timing.py [--requests 50]

Sends POST /accounts/password/reset/ through Django's test client, alternating a
registered address and an unknown one, each from its own client address (the
reset limit counts per address), and prints the median time of each and their
difference. Both queue the same task (accounts.services.password_reset_send);
the target is a difference under 2 ms (docs/account-security.md).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")

import django

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import User  # noqa: E402

KNOWN = "bench-reset@example.com"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    count = parser.parse_args().requests
    setup_test_environment()  # the outbox and mail go where tests send them; the database is the configured one
    user, _ = User.objects.get_or_create(username="bench-reset", defaults={"email": KNOWN})
    user.set_password("bench reset password 1")
    user.save()
    times: dict[str, list[float]] = {"registered": [], "unknown": []}
    for index in range(count * 2 + 10):
        kind = "registered" if index % 2 == 0 else "unknown"
        email = KNOWN if kind == "registered" else f"nobody-{index}@example.com"
        client = Client(REMOTE_ADDR=f"10.{index // 250 % 250}.{index % 250}.9")
        client.get("/accounts/password/reset/")  # the CSRF cookie and a warm path, not timed
        start = time.perf_counter()
        response = client.post("/accounts/password/reset/", {"email": email})
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 302, response.status_code
        if index >= 10:  # the first ones warm the process up
            times[kind].append(elapsed)
    registered, unknown = statistics.median(times["registered"]), statistics.median(times["unknown"])
    print(f"registered address  median {registered:7.2f} ms over {len(times['registered'])}")
    print(f"unknown address     median {unknown:7.2f} ms over {len(times['unknown'])}")
    print(f"difference                 {abs(registered - unknown):7.2f} ms (target under 2 ms)")


if __name__ == "__main__":
    main()
