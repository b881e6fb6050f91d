"""The shipped configuration agrees with the journal's own limits and starts a production site."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def nginx_directive(name: str) -> str:
    [value] = re.findall(rf"^\s*{name}\s+([^;]+);", (DEPLOY / "nginx" / "journal.conf").read_text(), re.M)
    return value.strip()


def size_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", value.lower()).groups()
    return int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit]


def seconds(value: str) -> int:
    return int(value.removesuffix("s"))


def test_nginx_takes_the_largest_import_and_outwaits_the_request_timeout():
    from django.conf import settings

    assert size_bytes(nginx_directive("client_max_body_size")) > settings.IMPORT_MAX_BYTES
    assert seconds(nginx_directive("proxy_read_timeout")) > settings.REQUEST_TIMEOUT_SECONDS
    assert nginx_directive("proxy_request_buffering") == "on"
    config = (DEPLOY / "nginx" / "journal.conf").read_text()
    assert "proxy_set_header Host $http_host;" in config
    assert not re.search(r"^\s*include\s+proxy_params", config, re.M)


def test_the_example_environment_file_starts_a_production_site(tmp_path):
    values = {}
    for line in (DEPLOY / "journal.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", name) and not value.startswith(("'", '"')), line
            assert "$" not in value, line  # the shell in journal-manage would expand it
            values[name] = value
    assert values["DJANGO_ENV"] == "production" and values["SITE_URL"].startswith("https://")
    assert values["IMPORT_MAX_BYTES"] == "26214400" and values["REQUEST_TIMEOUT_SECONDS"] == "30"
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**keep, **values, "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "security." not in result.stdout + result.stderr, result.stdout + result.stderr  # no deploy warning


def test_journal_manage_runs_manage_py_with_the_environment_file(tmp_path):
    """deploy/journal-manage as root, with the example file: the settings it loads are production's."""
    if os.geteuid() != 0:
        pytest.skip("runuser needs root")
    env_file = tmp_path / "journal.env"
    example = (DEPLOY / "journal.env.example").read_text()
    env_file.write_text(example.replace("VAR_DIR=/var/lib/journal", f"VAR_DIR={tmp_path}"))
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "TMPDIR")}
    result = subprocess.run(
        [str(DEPLOY / "journal-manage"), "shell", "--no-imports", "-c",
         "from django.conf import settings; print(settings.DJANGO_ENV, settings.SITE_URL, settings.VAR_DIR)"],
        env={**keep, "ENV_FILE": str(env_file), "APP_DIR": str(ROOT), "RUN_AS": "root"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["production", "https://journal.example.com", str(tmp_path)]
