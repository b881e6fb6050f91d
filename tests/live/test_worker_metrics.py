"""Celery's metrics survive a gunicorn restart on the same host and are served
on CELERY_METRICS_PORT for a Prometheus on another machine."""

import pytest
import requests

from tests.live.servers import celery_worker, free_port, gunicorn, manage, wait_for

pytestmark = [pytest.mark.live, pytest.mark.slow]

HEARTBEAT = 'celery_tasks_total{outcome="success",task="journal_site.heartbeat"} 1.0'


def test_worker_metrics_outlive_a_gunicorn_restart_and_are_served_on_their_port(deployment, tmp_path):
    port = free_port()
    env = {**deployment, "CELERY_METRICS_PORT": str(port)}  # the same PROMETHEUS_MULTIPROC_DIR as the web
    worker = celery_worker(env, tmp_path, "metrics")
    servers = []
    try:
        wait_for(lambda: requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2).status_code == 200, 60,
                 "the worker's metrics server")
        manage(deployment, "shell", "--no-imports", "-c", "from journal_site.tasks import heartbeat; heartbeat.delay()")
        wait_for(lambda: HEARTBEAT in requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text, 60,
                 "the heartbeat in the worker's metrics")

        for _ in range(2):  # start, stop, start again: a restart
            server, base = gunicorn(deployment, tmp_path)
            servers.append(server)
            assert HEARTBEAT in requests.get(base + "/metrics", timeout=10).text
            server.kill()
        assert HEARTBEAT in requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    finally:
        for server in servers:
            server.kill()
        worker.kill()
