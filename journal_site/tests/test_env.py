import pytest

from journal_site.env import ConfigError, env_bool, env_choice, env_int, env_list


def test_env_int_reads_a_number(monkeypatch):
    monkeypatch.setenv("X_NUMBER", " 42 ")
    assert env_int("X_NUMBER", 1) == 42


def test_env_int_refuses_garbage_naming_the_variable(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "forty")
    with pytest.raises(ConfigError, match="X_NUMBER must be a whole number"):
        env_int("X_NUMBER", 1)


def test_env_int_enforces_bounds(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "0")
    with pytest.raises(ConfigError, match="at least 1"):
        env_int("X_NUMBER", 5, minimum=1)


def test_env_int_default_when_unset_or_blank(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "  ")
    assert env_int("X_NUMBER", 7) == 7


@pytest.mark.parametrize("raw,expected", [("1", True), ("yes", True), ("off", False), ("FALSE", False)])
def test_env_bool_accepts_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_refuses_garbage(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG must be a boolean"):
        env_bool("X_FLAG", False)


def test_env_choice_refuses_unknown(monkeypatch):
    monkeypatch.setenv("X_ENV", "staging")
    with pytest.raises(ConfigError, match="X_ENV must be one of development, production"):
        env_choice("X_ENV", "development", {"development", "production"})


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("X_LIST", "a, b,,c ")
    assert env_list("X_LIST", []) == ["a", "b", "c"]
