"""@profiled: name and duration as structured fields, never the arguments; JSON lines in production."""

import asyncio
import io
import json
import logging

import pytest
from django.conf import settings
from django.utils.module_loading import import_string
from prometheus_client import REGISTRY

from journal_site.profiling import profiled
from journal_site.tests.test_settings import PRODUCTION_ENV, settings_value

SECRET = "Dear diary, today I told nobody about the letter"


@profiled
def write_reply(text: str, *, mood: int) -> str:
    return text.upper()


@profiled(name="companion.reply")
async def async_reply(text: str) -> str:
    await asyncio.sleep(0)
    return text[::-1]


@profiled
def explode(text: str) -> None:
    raise ValueError("nope")


@pytest.fixture
def json_log():
    """Capture the profile logger through the production JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter_config = settings.LOGGING["formatters"]["json"]
    handler.setFormatter(import_string(formatter_config["()"])(formatter_config["fmt"]))
    logger = logging.getLogger("journal.profile")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_logs_name_and_duration_as_fields_and_never_the_arguments(json_log):
    assert write_reply(SECRET, mood=2) == SECRET.upper()
    [record] = lines(json_log)
    assert record["function"] == "journal_site.tests.test_profiling.write_reply"
    assert isinstance(record["duration_ms"], float) and record["duration_ms"] >= 0
    assert record["outcome"] == "ok"
    assert record["levelname"] == "INFO"
    raw = json_log.getvalue()
    assert "Dear diary" not in raw and "DEAR DIARY" not in raw and "mood" not in raw
    assert "args" not in record and "kwargs" not in record


def test_async_functions_are_profiled_under_their_given_name(json_log):
    assert asyncio.run(async_reply(SECRET)) == SECRET[::-1]
    [record] = lines(json_log)
    assert record["function"] == "companion.reply"
    assert "Dear diary" not in json_log.getvalue()


def test_a_failure_is_logged_as_an_error_outcome_and_still_raises(json_log):
    with pytest.raises(ValueError):
        explode(SECRET)
    [record] = lines(json_log)
    assert record["outcome"] == "error"
    assert "Dear diary" not in json_log.getvalue()


def test_durations_reach_the_metrics():
    labels = {"function": "companion.reply"}
    before = REGISTRY.get_sample_value("profiled_function_duration_seconds_count", labels) or 0
    asyncio.run(async_reply("x"))
    assert REGISTRY.get_sample_value("profiled_function_duration_seconds_count", labels) == before + 1


def test_the_wrapper_keeps_the_function_name_and_doc():
    assert write_reply.__name__ == "write_reply"
    assert asyncio.iscoroutinefunction(async_reply)


@pytest.mark.slow
def test_production_logs_are_json_lines(tmp_path):
    env = {**PRODUCTION_ENV, "SECRET_KEY": "k" * 60}
    assert settings_value("settings.LOG_FORMAT", env, tmp_path) == "json"
    assert settings_value("settings.LOGGING['handlers']['console']['formatter']", env, tmp_path) == "json"
    assert settings_value("settings.LOG_FORMAT", {}, tmp_path) == "text"
