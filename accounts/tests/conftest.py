import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD
from journal_site.celery import app


@pytest.fixture(autouse=True)
def _tasks_run_inline():
    """Tasks run in the test's own thread, also when a real broker is configured.

    test_tasks_reach_a_real_worker covers delivery through the broker.
    """
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def tokens(api_client, owner):
    """A fresh access/refresh pair of the owner, obtained through the API."""
    response = api_client.post("/api/v1/auth/token/", {"username": "owner", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def bearer(access: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api
