"""Logs are JSON lines in production and plain text on a newcomer's machine."""

from journal_site.tests.test_settings import PRODUCTION_ENV, settings_value


def test_production_logs_are_json_lines(tmp_path):
    env = {**PRODUCTION_ENV, "SECRET_KEY": "k" * 60}
    assert settings_value("settings.LOG_FORMAT", env, tmp_path) == "json"
    assert settings_value("settings.LOGGING['handlers']['console']['formatter']", env, tmp_path) == "json"
    assert settings_value("settings.LOG_FORMAT", {}, tmp_path) == "text"
