"""deploy/prometheus: the rules pass promtool's checks and unit tests, and name only metrics the site exposes."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import require_tool

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"


def promtool(*args: str, cwd: Path = PROMETHEUS) -> subprocess.CompletedProcess:
    tool = require_tool("promtool", "prometheus")
    return subprocess.run([tool, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_rules_pass_promtool_check():
    result = promtool("check", "rules", "journal-rules.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_host_rules_pass_promtool_check():
    result = promtool("check", "rules", "host-rules.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    groups = yaml.safe_load((PROMETHEUS / "host-rules.yml").read_text())["groups"]
    alerts = {rule["alert"] for group in groups for rule in group["rules"]}
    assert {"JournalDiskFilling", "JournalDiskFull", "JournalCertificateExpiring"} <= alerts


def test_rules_pass_their_unit_tests():
    result = promtool("test", "rules", "journal-rules.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_unit_tests_can_fail(tmp_path):
    """A rule whose threshold drifts is caught by the unit tests."""
    shutil.copy(PROMETHEUS / "journal-rules.test.yml", tmp_path)
    rules = (PROMETHEUS / "journal-rules.yml").read_text()
    drifted = rules.replace("journal:http_errors:ratio_rate5m > 0.05", "journal:http_errors:ratio_rate5m > 0.5")
    assert drifted != rules
    (tmp_path / "journal-rules.yml").write_text(drifted)
    result = promtool("test", "rules", "journal-rules.test.yml", cwd=tmp_path)
    assert result.returncode != 0 and "JournalHighErrorRatio" in result.stdout + result.stderr


def test_every_alert_the_issue_names_exists():
    groups = yaml.safe_load((PROMETHEUS / "journal-rules.yml").read_text())["groups"]
    alerts = {rule["alert"] for group in groups for rule in group["rules"] if "alert" in rule}
    assert {
        "JournalHighErrorRatio",
        "JournalSlowEndpoint",
        "JournalManyRateLimited",
        "JournalLowCacheHitRatio",
        "JournalTaskFailures",
        "JournalDatabasePoolWaits",
        "JournalDatabasePoolTimeouts",
        "JournalDatabaseNotReady",
        "JournalDown",
        "JournalBackgroundStalled",
        "JournalWorkerDown",
        "JournalOutboxBacklog",
        "JournalBackupOld",
        "JournalHighMemory",
    } <= alerts


@pytest.mark.parametrize("variant", ["local", "remote"])
def test_scrape_config_is_valid(tmp_path, variant):
    config = (PROMETHEUS / "prometheus.yml").read_text()
    if variant == "remote":
        # The commented job for Prometheus on another machine, in place of the local one.
        token = tmp_path / "journal-metrics-token"
        token.write_text("t" * 40)
        config = config.replace("/etc/prometheus/journal-metrics-token", str(token))
        local_job = config[config.index("  - job_name: journal") : config.index("  # Prometheus on another machine")]
        # The commented jobs' lines ("  #- ..." and "  #  ..."), not the prose ("  # ...").
        remote = "\n".join(
            line.replace("  #", "  ", 1) for line in config.splitlines() if re.match(r"  #(-|  )", line)
        )
        config = config.replace(local_job, "") + remote + "\n"
    (tmp_path / "prometheus.yml").write_text(config)
    shutil.copy(PROMETHEUS / "journal-rules.yml", tmp_path)
    result = promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr + config
    jobs = {job["job_name"]: job for job in yaml.safe_load(config)["scrape_configs"]}
    if variant == "local":
        assert list(jobs) == ["journal"]
    else:
        assert list(jobs) == ["journal", "journal-worker"]
        assert jobs["journal"]["scheme"] == "https" and jobs["journal"]["authorization"]["type"] == "Bearer"


def metric_names_in_rules() -> set[str]:
    groups = yaml.safe_load((PROMETHEUS / "journal-rules.yml").read_text())["groups"]
    names = set()
    for group in groups:
        for rule in group["rules"]:
            names |= set(re.findall(r"(?<![:\w])([a-z_][a-z0-9_]*)\{", rule["expr"]))
    return names - {"up"}


@pytest.mark.django_db
def test_rules_name_only_metrics_the_site_exposes(client):
    client.get("/")
    text = client.get("/metrics").content.decode()
    exposed = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
    families = exposed | {f"{name}_{suffix}" for name in exposed for suffix in ("total", "count", "bucket", "sum")}
    names = metric_names_in_rules()
    assert {"http_request_duration_seconds_bucket", "readiness_check_ok", "db_pool_timeouts_total"} <= names
    assert {"celery_heartbeat_timestamp_seconds", "backup_last_success_timestamp_seconds"} <= names
    missing = sorted(name for name in names if name not in families)
    assert not missing, f"the rules use metrics /metrics does not expose: {missing}"


def test_every_alert_is_exercised_by_the_unit_tests():
    groups = yaml.safe_load((PROMETHEUS / "journal-rules.yml").read_text())["groups"]
    alerts = {rule["alert"] for group in groups for rule in group["rules"] if "alert" in rule}
    tests = yaml.safe_load((PROMETHEUS / "journal-rules.test.yml").read_text())["tests"]
    exercised = {case["alertname"] for test in tests for case in test.get("alert_rule_test", [])}
    assert alerts - exercised == set()
