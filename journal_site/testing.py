"""Test helpers every app's tests share.

Each app's factories live in its own tests package (accounts/tests/factories.py,
diary/tests/factories.py, conversations/tests/factories.py).
"""

import threading

from django.db import connection


def run_at_once(work, *, times: int = 2) -> list:
    """Run `work` in `times` threads released together, for race tests on PostgreSQL.

    Returns what each run returned, or the exception it raised. Every thread
    closes its own database connection, so the test database can be dropped.
    """
    start = threading.Barrier(times)
    outcomes: list = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        try:
            outcome = work()
        except Exception as exc:
            outcome = exc
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes
