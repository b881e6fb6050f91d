"""deploy/systemd: the units pass systemd-analyze verify and keep a tight sandbox."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.conftest import require_tool

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
SERVICES = ["journal-web.service", "journal-worker.service", "journal-beat.service", "journal-backup.service"]
# What each service may write; everything else is read-only to it.
WRITABLE = {"journal-backup.service": "/var/backups/journal"}
BIN = Path(sys.executable).parent


@pytest.fixture
def installed(tmp_path) -> Path:
    """The units as they would be installed, with /opt/journal pointing at this checkout.

    verify checks that each ExecStart program exists and is executable.
    """
    for unit in UNITS.iterdir():
        text = unit.read_text().replace("/opt/journal/.venv/bin/", f"{BIN}/").replace("/opt/journal", str(ROOT))
        (tmp_path / unit.name).write_text(text)
    return tmp_path


def analyze(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    tool = require_tool("systemd-analyze", "systemd")
    return subprocess.run([tool, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_units_pass_systemd_analyze_verify(installed):
    result = analyze("verify", *SERVICES, "journal-backup.timer", "journal.target", cwd=installed)
    assert result.returncode == 0, result.stderr
    assert "journal" not in result.stderr, result.stderr


def test_verify_catches_a_broken_unit(installed):
    """The check above can fail: a misspelt program is reported."""
    unit = installed / "journal-web.service"
    unit.write_text(unit.read_text().replace("/gunicorn ", "/gunicorn-missing "))
    result = analyze("verify", "journal-web.service", cwd=installed)
    assert result.returncode != 0 and "gunicorn-missing" in result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_is_sandboxed(installed, service):
    text = (installed / service).read_text()
    for directive in (
        "User=journal",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        f"ReadWritePaths={WRITABLE.get(service, '/var/lib/journal')}\n",
        "CapabilityBoundingSet=\n",
        "EnvironmentFile=/etc/journal/journal.env",
    ):
        assert directive in text, f"{service} lacks {directive!r}"
    result = analyze("security", "--offline=yes", service, cwd=installed)
    match = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout)
    assert match, result.stdout[-2000:] + result.stderr
    # systemd rates 0-10; below 2 is its "OK". A unit without a sandbox scores 9.6 (UNSAFE); these 1.4.
    assert float(match.group(1)) < 2.0, result.stdout[-3000:]


def test_one_beat_and_workers_that_do_not_embed_one():
    worker = (UNITS / "journal-worker.service").read_text()
    beat = (UNITS / "journal-beat.service").read_text()
    assert " worker " in worker and " -B" not in worker and "--beat" not in worker
    assert " beat --schedule /var/lib/journal/" in beat


def test_every_documented_enable_of_a_service_enables_the_target_it_starts_through():
    """A machine whose services are enabled without journal.target would not start them at boot."""
    wanted_by = {
        unit.stem for unit in UNITS.glob("*.service")
        if re.search(r"^WantedBy=journal\.target$", unit.read_text(), re.MULTILINE)
    }
    assert wanted_by == {"journal-web", "journal-worker", "journal-beat"}
    assert re.search(r"^WantedBy=multi-user\.target$", (UNITS / "journal.target").read_text(), re.MULTILINE)
    enables = re.findall(r"^systemctl enable .*$", (ROOT / "docs" / "operations.md").read_text(), re.MULTILINE)
    through_target = [line for line in enables if wanted_by & set(line.split())]
    assert len(through_target) >= 2  # the first machine and a second one
    assert all("journal.target" in line.split() for line in through_target), through_target
