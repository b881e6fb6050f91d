"""Test helpers every app's tests share.

Each app's factories live in its own tests package (accounts/tests/factories.py,
diary/tests/factories.py, conversations/tests/factories.py).
"""

import re
import threading
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db import connection as default_connection
from django.test.utils import CaptureQueriesContext


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


# Savepoints are how Django nests atomic blocks, and their number changes with Django's own
# transaction handling and with the test's wrapping transaction: a query pin counts the queries
# the code asks for, without them.
_SAVEPOINT = re.compile(r"^\s*(?:SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)


class QueriesCaptured(CaptureQueriesContext):
    """CaptureQueriesContext without savepoint statements: what `len()` and `captured_queries` hold."""

    @property
    def captured_queries(self) -> list[dict]:
        return [query for query in super().captured_queries if not _SAVEPOINT.match(query["sql"])]


@contextmanager
def queries_pinned(num: int, *, exact: bool = True, connection=None, info: str | None = None):
    """Fail unless the block runs `num` queries (at most `num` with exact=False), savepoints not counted."""
    with QueriesCaptured(connection or default_connection) as context:
        yield context
    done = len(context)
    if (exact and done != num) or (not exact and done > num):
        queries = "\n\n".join(query["sql"] for query in context.captured_queries)
        expected = f"{num} queries" if exact else f"at most {num} queries"
        pytest.fail(f"Expected {expected} (savepoints not counted) but {done} were done"
                    f"{chr(10) + info if info else ''}\n\nQueries:\n========\n\n{queries}")
