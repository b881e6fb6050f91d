"""The settings module, loaded in a fresh interpreter with a given environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Variables of the calling environment that would change what is being tested.
SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_ENV",
    "SECRET_KEY",
    "DJANGO_DEBUG",
    "EMAIL_HOST",
    "METRICS_TOKEN",
    "METRICS_ALLOWED_IPS",
    "SITE_URL",
    "ENCRYPTION_KEYS",
    "ENCRYPTION_KEYS_FILE",
)
# What production needs besides its secret key: a mail server and a way to guard /metrics.
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "s" * 20 + "Q7#kd92!xLp0vZ-aM3rT8bYw5nEj1cUf",
    "ALLOWED_HOSTS": "journal.example",
    "EMAIL_HOST": "smtp.example",
    "METRICS_TOKEN": "scrape-token",
    "SITE_URL": "https://journal.example",
    "ENCRYPTION_KEYS": "1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=",
}
INHERITED_PREFIXES = ("DB_POOL_", "DJANGO_ALLOW_ASYNC_UNSAFE", "PROMETHEUS_MULTIPROC_DIR")


def run_manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if k not in SERVICE_VARS and not k.startswith(INHERITED_PREFIXES)
    }
    base["VAR_DIR"] = str(tmp_path)
    base["DJANGO_SETTINGS_MODULE"] = "journal_site.settings"  # the product's, not the tests' own
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_value(expression: str, env: dict[str, str], tmp_path: Path) -> str:
    code = f"from django.conf import settings; print({expression})"
    result = run_manage("shell", "--no-imports", "-c", code, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.slow
def test_embedded_default_uses_sqlite_locmem_and_inline_tasks(tmp_path):
    out = settings_value(
        "settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'],"
        " settings.CELERY_TASK_ALWAYS_EAGER, settings.DEBUG, settings.EMAIL_BACKEND",
        {},
        tmp_path,
    )
    assert "sqlite3" in out and "LocMemCache" in out and "True False" in out and "console" in out


@pytest.mark.slow
def test_development_secret_key_is_generated_once(tmp_path):
    first = settings_value("settings.SECRET_KEY", {}, tmp_path)
    second = settings_value("settings.SECRET_KEY", {}, tmp_path)
    assert first == second and len(first) >= 50
    assert (tmp_path / "secret_key").exists()


@pytest.mark.slow
def test_database_url_gives_postgres_with_pool_and_statement_timeout(tmp_path):
    out = settings_value(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['OPTIONS']",
        {"DATABASE_URL": "postgres://u:p@db.example:5432/journal"},
        tmp_path,
    )
    assert "postgresql" in out
    assert "'min_size': 1" in out and "'max_size': 4" in out and "'max_idle': 10.0" in out
    assert "'timeout': 10.0" in out and "'max_lifetime': 3600.0" in out and "'reconnect_timeout': 5.0" in out
    assert "statement_timeout=30000" in out and "'prepare_threshold': None" in out


def test_pgbouncer_mode_drops_server_side_cursors_and_startup_options(tmp_path):
    out = settings_value(
        "settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS'), settings.DATABASES['default']['OPTIONS']",
        {"DATABASE_URL": "postgres://u:p@pgbouncer.example:6432/journal", "DB_PGBOUNCER": "1"},
        tmp_path,
    )
    assert out.startswith("True ")
    assert "'prepare_threshold': None" in out and "statement_timeout" not in out and "'options'" not in out


@pytest.mark.slow
def test_redis_url_gives_django_redis_that_ignores_outages_and_feeds_celery(tmp_path):
    out = settings_value(
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['OPTIONS']['IGNORE_EXCEPTIONS'],"
        " settings.CACHES['default']['OPTIONS']['SOCKET_TIMEOUT'], settings.CELERY_BROKER_URL,"
        " settings.CELERY_TASK_ALWAYS_EAGER",
        {"REDIS_URL": "redis://127.0.0.1:6379/3"},
        tmp_path,
    )
    assert out == "django_redis.cache.RedisCache True 5 redis://127.0.0.1:6379/3 False"


@pytest.mark.parametrize(
    "env,message",
    [
        ({"DJANGO_ENV": "production"}, "SECRET_KEY must be set"),
        ({"DJANGO_DEBUG": "perhaps"}, "DJANGO_DEBUG must be a boolean"),
        ({"DB_POOL_MAX": "many"}, "DB_POOL_MAX must be a whole number"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must be a postgres"),
        ({"DJANGO_ENV": "staging"}, "DJANGO_ENV must be one of"),
        (
            {"DJANGO_ENV": "production", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "journal.example", "EMAIL_HOST": "x",
             "ENCRYPTION_KEYS": PRODUCTION_ENV["ENCRYPTION_KEYS"]},
            "SITE_URL must be set when DJANGO_ENV=production",
        ),
        (
            {"DJANGO_ENV": "production", "SECRET_KEY": "k" * 60},
            "ENCRYPTION_KEYS (or ENCRYPTION_KEYS_FILE) must be set when DJANGO_ENV=production",
        ),
        ({"ENCRYPTION_KEYS": "1:c2hvcnQ="}, "ENCRYPTION_KEYS: key 1 must be 32 bytes"),
        ({"ENCRYPTION_KEYS_FILE": "/nonexistent/keys"}, "ENCRYPTION_KEYS_FILE cannot be read"),
        ({"SITE_URL": "journal.example.com"}, "SITE_URL must start with https://"),
    ],
)
def test_bad_configuration_fails_loudly(tmp_path, env, message):
    result = run_manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.slow
def test_production_passes_deploy_checks(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_production_without_a_mail_server_refuses_to_start(tmp_path):
    """The console backend would print password-reset links into the log."""
    env = {**PRODUCTION_ENV}
    del env["EMAIL_HOST"]
    result = run_manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "EMAIL_HOST must be set when DJANGO_ENV=production" in result.stderr


@pytest.mark.slow
def test_production_without_a_metrics_token_or_allow_list_refuses_to_start(tmp_path):
    env = {**PRODUCTION_ENV}
    del env["METRICS_TOKEN"]
    result = run_manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "METRICS_TOKEN or METRICS_ALLOWED_IPS must be set" in result.stderr
    # An empty list is no allow-list.
    result = run_manage("check", env={**env, "METRICS_ALLOWED_IPS": " , "}, tmp_path=tmp_path)
    assert "METRICS_TOKEN or METRICS_ALLOWED_IPS must be set" in result.stderr


@pytest.mark.slow
def test_production_reads_metrics_only_from_the_explicit_allow_list(tmp_path):
    env = {**PRODUCTION_ENV, "METRICS_ALLOWED_IPS": "10.0.0.5"}
    del env["METRICS_TOKEN"]
    assert settings_value("settings.METRICS_ALLOWED_IPS", env, tmp_path) == "['10.0.0.5']"
    # With only a token, loopback is not trusted either: every local process would be.
    assert settings_value("settings.METRICS_ALLOWED_IPS", PRODUCTION_ENV, tmp_path) == "[]"
    assert settings_value("settings.METRICS_ALLOWED_IPS", {}, tmp_path) == "['127.0.0.1', '::1']"


@pytest.mark.slow
def test_processes_starting_together_share_one_complete_secret_key(tmp_path):
    """gunicorn workers boot at once on a fresh checkout; all must read the same key."""
    base = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS and not k.startswith(INHERITED_PREFIXES)}
    code = "import django; from django.conf import settings; print(settings.SECRET_KEY)"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**base, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "journal_site.settings"},
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    keys = {process.communicate(timeout=120)[0].strip() for process in processes}
    assert len(keys) == 1 and len(keys.pop()) >= 50
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".secret_key")] == []


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS and not k.startswith(INHERITED_PREFIXES)}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "journal_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_importing_the_settings_creates_no_folder(tmp_path):
    var = tmp_path / "var"
    keys = {"SECRET_KEY": "k" * 50, "ENCRYPTION_KEYS": PRODUCTION_ENV["ENCRYPTION_KEYS"]}
    result = run_python("import journal_site.settings", {"VAR_DIR": str(var), **keys})
    assert result.returncode == 0, result.stderr
    assert not var.exists()
    # Without keys the development keys are written, and their folder made for them: nothing else.
    result = run_python("import journal_site.settings", {"VAR_DIR": str(var)})
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in var.iterdir()) == ["encryption_keys", "secret_key"]


def test_starting_makes_the_folders_a_process_writes_to(tmp_path):
    var = tmp_path / "var"
    code = "import django; django.setup(); from django.conf import settings; print(settings.STATIC_ROOT)"
    result = run_python(code, {"VAR_DIR": str(var), "SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr
    assert var.is_dir() and (var / "staticfiles").is_dir()
    assert result.stdout.strip() == str(var / "staticfiles")


@pytest.mark.slow
def test_migrate_on_a_fresh_checkout_makes_the_embedded_database(tmp_path):
    var = tmp_path / "fresh" / "var"
    result = run_manage("migrate", "--noinput", env={"VAR_DIR": str(var), "SECRET_KEY": "k" * 50}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (var / "journal.sqlite3").is_file()


def test_the_settings_do_not_depend_on_pytest_being_loaded(tmp_path):
    """Production values even in a process that imported pytest; the tests name their own module."""
    source = (ROOT / "journal_site" / "settings.py").read_text()
    assert "sys.modules" not in source and "pytest" not in source
    code = "import pytest, django; django.setup(); from django.conf import settings as s; print(s.PASSWORD_HASHERS[0])"
    result = run_python(code, {"VAR_DIR": str(tmp_path), "SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_test_settings_are_the_journals_with_fast_hashing():
    from django.conf import settings

    import journal_site.settings as product

    assert settings.SETTINGS_MODULE == "journal_site.settings_test"
    fast, *others = settings.PASSWORD_HASHERS
    assert fast == "django.contrib.auth.hashers.MD5PasswordHasher" and others == product.PASSWORD_HASHERS
    assert settings.INSTALLED_APPS == product.INSTALLED_APPS and settings.MIDDLEWARE == product.MIDDLEWARE


def test_encryption_keys_come_from_a_file_too(tmp_path):
    keys = tmp_path / "keys"
    keys.write_text(PRODUCTION_ENV["ENCRYPTION_KEYS"] + "\n")
    assert settings_value("settings.ENCRYPTION_KEYS.current", {"ENCRYPTION_KEYS_FILE": str(keys)}, tmp_path) == "1"


def test_the_embedded_default_writes_its_encryption_key_once(tmp_path):
    first = settings_value("sorted(settings.ENCRYPTION_KEYS.keys)", {}, tmp_path)
    written = (tmp_path / "encryption_keys").read_text()
    assert first == "[1]" and oct((tmp_path / "encryption_keys").stat().st_mode & 0o777) == "0o600"
    settings_value("1", {}, tmp_path)
    assert (tmp_path / "encryption_keys").read_text() == written
