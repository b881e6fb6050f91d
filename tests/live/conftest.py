import pytest

from tests.live.servers import PrivatePostgres, PrivateRedis, app_env, manage

PASSWORD = "live-tests-password-7319"


@pytest.fixture(scope="session")
def postgres():
    import os
    import shutil

    from tests.live.servers import _pg_bin

    try:
        _pg_bin("initdb")
    except FileNotFoundError:
        if os.environ.get("CI"):
            raise
        pytest.skip("PostgreSQL's server binaries (initdb) are not installed")
    if shutil.which("redis-server") is None and not os.environ.get("CI"):
        pytest.skip("redis-server is not installed")
    server = PrivatePostgres().init()
    yield server
    server.destroy()


@pytest.fixture
def redis_server():
    server = PrivateRedis().start()
    yield server
    server.stop()


def create_user(env: dict[str, str], username: str) -> None:
    manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from accounts.models import User; "
        f"User.objects.create_user({username!r}, '{username}@example.com', {PASSWORD!r})",
    )


@pytest.fixture
def deployment(postgres, redis_server, tmp_path, request):
    """A migrated database, a user `alice`, and the environment of a deployed journal."""
    name = "j" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    url = postgres.create_database(name)
    env = app_env(tmp_path, DATABASE_URL=url, REDIS_URL=redis_server.url(), RATE_LIMIT_PER_MINUTE="100000")
    manage(env, "migrate", "--noinput")
    create_user(env, "alice")
    return env


def pytest_collection_modifyitems(config, items):
    """Live tests run in the PostgreSQL pass of the suite (or with LIVE_TESTS=1).

    They start their own PostgreSQL and Redis, so running them again in the
    embedded pass would repeat the same minutes of work.
    """
    import os

    if os.environ.get("DATABASE_URL") or os.environ.get("LIVE_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="live-service tests run when DATABASE_URL is set or LIVE_TESTS=1")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)
