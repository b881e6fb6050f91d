"""Several gunicorn instances on one host: none takes another's control socket."""

import os
import subprocess

import pytest
import requests

from tests.live.servers import BIN, ROOT, Service, free_port, wait_for

pytestmark = pytest.mark.slow


def start(tmp_path, name: str, home, **extra) -> tuple[Service, str]:
    port = free_port()
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX")
    env = {k: v for k, v in os.environ.items() if k in keep}
    var_dir = tmp_path / name
    var_dir.mkdir()
    env.update(
        HOME=str(home), VAR_DIR=str(var_dir), PORT=str(port), GUNICORN_ACCESS_LOG="0",
        DJANGO_SETTINGS_MODULE="journal_site.settings_test",
        WEB_CONCURRENCY="1", GUNICORN_THREADS="4", DB_POOL_MIN="0", DB_POOL_MAX="2", **extra,
    )
    env.pop("XDG_RUNTIME_DIR", None)
    server = Service([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "journal_site.wsgi"], env, var_dir / "g.log")
    server.start()
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: requests.get(base + "/healthz", timeout=2).status_code == 200, 60, f"gunicorn {name}")
    return server, base


def test_two_instances_share_no_control_socket(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    first, first_base = start(tmp_path, "first", home)
    second, second_base = start(tmp_path, "second", home)
    try:
        for base in (first_base, second_base, first_base):
            assert requests.get(base + "/healthz", timeout=5).status_code == 200
        # Nothing in the shared home directory for the instances to fight over.
        assert not (home / ".gunicorn").exists()
        for name in ("first", "second"):
            log = (tmp_path / name / "g.log").read_text()
            assert "Traceback" not in log and "control" not in log.lower(), log
    finally:
        first.kill()
        second.kill()


def test_each_instance_may_have_its_own_control_socket(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    sockets = {name: tmp_path / f"{name}.ctl" for name in ("first", "second")}
    first, first_base = start(tmp_path, "first", home, GUNICORN_CONTROL_SOCKET=str(sockets["first"]))
    second, second_base = start(tmp_path, "second", home, GUNICORN_CONTROL_SOCKET=str(sockets["second"]))
    try:
        pids = {}
        for name in ("first", "second"):
            wait_for(sockets[name].exists, 20, f"{name}'s control socket")
            result = subprocess.run(
                [str(BIN / "gunicornc"), "-s", str(sockets[name]), "-c", "show workers", "-j"],
                cwd=ROOT, capture_output=True, text=True, timeout=20,
            )
            assert result.returncode == 0, result.stderr
            pids[name] = result.stdout
        assert pids["first"] != pids["second"]
        for base in (first_base, second_base):
            assert requests.get(base + "/healthz", timeout=5).status_code == 200
        assert not (home / ".gunicorn").exists()
    finally:
        first.kill()
        second.kill()
