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
    """PostgreSQL gone: the pool would make the check wait DB_POOL_TIMEOUT (10 s); the scrape answers in ~2 s."""
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
    readiness._pending["database"].result(timeout=10)


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


@pytest.mark.django_db(transaction=True)
def test_each_scrape_reads_the_heartbeat_the_last_backup_and_the_outbox(client):
    import re

    from django.core.cache import cache

    from journal_site.models import OutboxMessage
    from journal_site.tasks import BACKUP_KEY, HEARTBEAT_KEY

    cache.set(HEARTBEAT_KEY, 1_765_000_000.0)
    cache.set(BACKUP_KEY, {"at": 1_764_990_000.0, "bytes": 10})
    OutboxMessage.objects.bulk_create([OutboxMessage(task_name="journal_site.heartbeat") for _ in range(3)])
    text = client.get("/metrics").content.decode()

    def value(name: str) -> float:
        return float(re.search(rf"^{name} (\S+)$", text, re.M).group(1))

    assert value("celery_heartbeat_timestamp_seconds") == 1_765_000_000.0
    assert value("backup_last_success_timestamp_seconds") == 1_764_990_000.0
    assert value("outbox_messages_waiting") == 3


def test_the_backup_command_records_the_time_and_size(tmp_path):
    import time

    from django.core.cache import cache
    from django.core.management import CommandError, call_command

    from journal_site.tasks import BACKUP_KEY

    archive = tmp_path / "journal-20261207T050000Z.dump"
    archive.write_bytes(b"x" * 42)
    before = time.time()
    call_command("backup_recorded", str(archive))
    recorded = cache.get(BACKUP_KEY)
    assert recorded["bytes"] == 42 and before <= recorded["at"] <= time.time()
    with pytest.raises(CommandError):
        call_command("backup_recorded", str(tmp_path / "missing.dump"))
