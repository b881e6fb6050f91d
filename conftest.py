"""Fixtures shared by every app's tests: an owner, an outsider, signed-in clients."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.utils import translation
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.keys import keys_forget
from accounts.tests.factories import UserFactory
from journal_site.testing import queries_pinned


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches (Redis or in-process, each process's kept fragments and data keys:
    a rolled-back test's user id may be handed out again, with other keys)."""
    cache.clear()
    caches["fragments"].clear()
    keys_forget()
    yield
    cache.clear()


@pytest.fixture
def django_assert_num_queries():
    """Query pins count the queries the code asks for, not the savepoints of nested atomic blocks."""
    return queries_pinned


@pytest.fixture
def django_assert_max_num_queries():
    return lambda num, **kwargs: queries_pinned(num, exact=False, **kwargs)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request served in Polish leaves Polish active in its thread."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", email="owner@example.com")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", email="outsider@example.com")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="boss", email="boss@example.com", is_admin=True)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def api_client():
    return APIClient()


def _bearer_client(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return api


@pytest.fixture
def owner_api(owner):
    return _bearer_client(owner)


@pytest.fixture
def outsider_api(outsider):
    return _bearer_client(outsider)


# Tests whose outcome does not depend on which database or cache the suite runs against: settings
# read in subprocesses, deployment files, catalogues, the layer rule, pure text reading. CI runs them
# once, in the PostgreSQL + Redis pass; the embedded pass leaves them out (`make test-backends`). Their
# tests that use the database are not marked.
BACKENDS_FREE = (
    "care/tests/",
    "journal_site/tests/test_settings.py",
    "journal_site/tests/test_log_format.py",
    "tests/deploy/",
    "tests/test_translations.py",
    "tests/test_layers.py",
    "tests/security/test_markdown_fuzz.py",
)
_ROOT = Path(__file__).resolve().parent
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                      "live_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.relative_to(_ROOT).as_posix()
        # A test there that uses the database still runs in both passes.
        uses_database = item.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(item.fixturenames)
        if path.startswith(BACKENDS_FREE) and not uses_database:
            item.add_marker(pytest.mark.backends_free)
