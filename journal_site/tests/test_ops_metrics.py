"""The database pool's wait counters, readiness per service, and docs/metrics.md covering every metric."""

import threading

import pytest
from django.db import connection, connections
from prometheus_client import REGISTRY

from journal_site import ops_metrics

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the connection pool exists on PostgreSQL only")
def test_pool_waits_and_timeouts_are_counted(monkeypatch):
    """A real one-connection pool: a second request waits, times out, and both are counted."""
    from psycopg_pool import ConnectionPool, PoolTimeout

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    small = ConnectionPool(kwargs=params, min_size=1, max_size=1, timeout=0.2, open=True)
    try:
        small.wait(5)
        small.pop_stats()  # only what follows counts
        held = small.getconn()
        failed = []

        def second():
            try:
                small.getconn()
            except PoolTimeout:
                failed.append(True)

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(5)
        small.putconn(held)
        assert failed == [True]

        def value(name):
            return REGISTRY.get_sample_value(name, {"alias": "default"}) or 0

        queued, waited, timeouts = (
            value("db_pool_requests_queued_total"),
            value("db_pool_wait_seconds_total"),
            value("db_pool_timeouts_total"),
        )
        pools = type(connections["default"])._connection_pools
        monkeypatch.setitem(pools, "default", small)
        ops_metrics.sample_pools(force=True)
        assert value("db_pool_requests_queued_total") == queued + 1
        assert value("db_pool_timeouts_total") == timeouts + 1
        assert value("db_pool_wait_seconds_total") - waited == pytest.approx(0.2, abs=0.15)
        assert value("db_pool_connections") == 1
        # Counted once: the pool's own counters start again from zero.
        ops_metrics.sample_pools(force=True)
        assert value("db_pool_requests_queued_total") == queued + 1
    finally:
        small.close()


def test_each_scrape_reports_readiness_per_service(client, settings):
    text = client.get("/metrics").content.decode()
    for check in ("database", "cache", "broker"):
        assert f'readiness_check_ok{{check="{check}"}} 1.0' in text


def test_a_service_that_does_not_answer_in_time_reads_zero_and_the_scrape_does_not_wait(client, monkeypatch):
    """PostgreSQL gone: the pool would make the check wait DB_POOL_TIMEOUT (30 s); the scrape answers in ~2 s."""
    import time

    from journal_site import readiness

    release = threading.Event()
    monkeypatch.setattr(readiness, "check_database", lambda: release.wait(10) and "ok")
    monkeypatch.setattr(ops_metrics, "READINESS_WAIT_SECONDS", 0.5)
    try:
        started = time.monotonic()
        text = client.get("/metrics").content.decode()
        assert time.monotonic() - started < 5
        assert 'readiness_check_ok{check="database"} 0.0' in text
        assert 'readiness_check_ok{check="broker"} 1.0' in text
    finally:
        release.set()
    ops_metrics._readiness_pending["database"].result(timeout=10)


def test_a_failed_check_reads_zero(client, monkeypatch):
    from journal_site import readiness

    monkeypatch.setattr(readiness, "check_database", lambda: "failed")
    text = client.get("/metrics").content.decode()
    assert 'readiness_check_ok{check="database"} 0.0' in text
    assert 'readiness_check_ok{check="cache"} 1.0' in text


def test_every_metric_the_site_exposes_is_documented(client):
    """docs/metrics.md names each metric /metrics can show, so an operator can read a dashboard."""
    import re
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text()
    client.get("/")
    text = client.get("/metrics").content.decode()
    names = {
        name
        for name in re.findall(r"^# TYPE (\S+) ", text, re.M)
        if not name.endswith("_created") and not name.startswith(("process_", "python_"))
    }
    assert "http_request_duration_seconds" in names and "readiness_check_ok" in names
    documented = set(re.findall(r"`([a-z_]+)`", docs))
    prefixes = {name.rstrip("*_") for name in re.findall(r"`([a-z_]+_\*)`", docs)}
    missing = sorted(n for n in names if n not in documented and not n.startswith(tuple(prefixes)))
    assert not missing, f"docs/metrics.md does not document {missing}"
