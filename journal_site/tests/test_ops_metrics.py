"""http_request_duration_seconds{method, endpoint} and the database pool's wait counters."""

import threading

import pytest
from django.db import connection, connections
from prometheus_client import REGISTRY

from journal_site import ops_metrics
from journal_site.testing import EntryFactory

pytestmark = pytest.mark.django_db


def count(method: str, endpoint: str) -> float:
    labels = {"method": method, "endpoint": endpoint}
    return REGISTRY.get_sample_value("http_request_duration_seconds_count", labels) or 0


def test_a_request_is_observed_under_its_url_pattern_not_its_path(owner_client, owner):
    entry = EntryFactory(user=owner)
    before = count("GET", "diary/<int:entry_id>/")
    response = owner_client.get(f"/diary/{entry.pk}/?q=private+words")
    assert response.status_code == 200
    assert count("GET", "diary/<int:entry_id>/") == before + 1

    text = owner_client.get("/metrics").content.decode()
    series = [line for line in text.splitlines() if line.startswith("http_request_duration_seconds_")]
    assert any('endpoint="diary/<int:entry_id>/"' in line and 'method="GET"' in line for line in series)
    assert not any(f"/{entry.pk}/" in line or "private" in line for line in series)


def test_api_routes_are_labelled_by_pattern(owner_api, owner):
    entry = EntryFactory(user=owner)
    before = count("PATCH", "api/v1/entries/<int:entry_id>/")
    owner_api.patch(f"/api/v1/entries/{entry.pk}/", {"title": "t"}, format="json")
    assert count("PATCH", "api/v1/entries/<int:entry_id>/") == before + 1


def test_unknown_paths_and_methods_share_one_series_each(client):
    before_unmatched = count("GET", "unmatched")
    client.get("/no-such-page/12345/")
    client.get("/another/67890/")
    assert count("GET", "unmatched") == before_unmatched + 2

    before_other = count("other", "healthz")
    client.generic("BREW", "/healthz")
    assert count("other", "healthz") == before_other + 1


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
