"""The test suite's settings (pytest.ini): the journal's own, with fast password hashing.

Subprocesses started by the tests (manage.py, gunicorn, Celery) use it through
DJANGO_SETTINGS_MODULE=journal_site.settings_test. Never use it in a deployment.

Under pytest-xdist each worker (gw0, gw1, ...) gets a test database of its own
from pytest-django, and here a Redis database of its own (the given number
plus one plus the worker's), because the tests empty the cache between them.
Its subprocesses inherit the changed URLs.
"""

import os
import re

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw"):
    for _name in ("REDIS_URL", "CELERY_BROKER_URL"):
        _url = os.environ.get(_name, "")
        _number = re.search(r"/(\d+)$", _url)
        if _url.startswith("redis") and _number and not os.environ.get("JOURNAL_XDIST_REDIS_SET"):
            os.environ[_name] = f"{_url[: _number.start()]}/{int(_number.group(1)) + 1 + int(_worker[2:])}"
    os.environ["JOURNAL_XDIST_REDIS_SET"] = "1"

from journal_site.settings import *  # noqa: E402, F403

# Argon2 is deliberately slow; the tests hash thousands of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405

# SQLite's test database lives in memory, one per process (Django's default for SQLite). Said
# explicitly because pytest-django recognises SQLite by Django's own engine name only, and would
# otherwise name a file per xdist worker after this wrapped engine's database path.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405

# Photos a test stores without a store of its own (conftest's photo_store) go to a folder of this process,
# never the checkout's var/attachments. A process given VAR_DIR or ATTACHMENTS_DIR (a live test's server)
# keeps what it was given.
if not (os.environ.get("VAR_DIR") or os.environ.get("ATTACHMENTS_DIR")) and not ATTACHMENTS_S3_BUCKET:  # noqa: F405
    import tempfile

    STORAGES["attachments"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="journal-test-photos-")  # noqa: F405
