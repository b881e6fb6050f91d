"""A forged cursor answers 400 or 404 on every cursor-paginated endpoint, never 500.

Cursors are client-held text that reaches a query: each endpoint parses it
before the database sees it. The pages treat a malformed cursor as none.
"""

import base64

import pytest
from rest_framework.test import APIClient

from conversations.tests.factories import MessageFactory
from diary.tests.factories import EntryFactory


def _drf(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


DRF_CURSORS = [
    "garbage",
    "%E7%8A%A7%C3%90",
    _drf("p=not-a-date"),
    _drf("p=2024-01-01T10:00:00"),  # naive
    _drf("p=2024-13-45T10:00:00+00:00"),
    _drf("p=99999-01-01T10:00:00+00:00"),
    _drf("p=2024-01-01T10:00:00+99:99"),
    _drf("o=99999999999999999999999&p=2024-01-01T10:00:00+00:00"),
    _drf("r=1&p=\x00"),
    _drf("p=" + "9" * 5000),
]
HISTORY_CURSORS = ["abc", "1-99999999999999999999999", "99999999999999999999999-1", "-1--1", "0-0", "1-", "-"]


@pytest.fixture
def admin_api(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", DRF_CURSORS)
def test_entries_api_answers_404_to_a_forged_cursor(owner_api, owner, cursor):
    EntryFactory(user=owner)
    response = owner_api.get(f"/api/v1/entries/?cursor={cursor}")
    assert response.status_code == 404 and response.json() == {"detail": "Invalid cursor."}


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", DRF_CURSORS)
def test_admin_users_api_answers_404_to_a_forged_cursor(admin_api, cursor):
    response = admin_api.get(f"/api/v1/admin/users/?cursor={cursor}")
    assert response.status_code == 404 and response.json() == {"detail": "Invalid cursor."}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["before", "after"])
@pytest.mark.parametrize("cursor", HISTORY_CURSORS)
def test_history_api_answers_400_to_a_forged_cursor(owner_api, owner, name, cursor):
    MessageFactory(user=owner)
    response = owner_api.get(f"/api/v1/conversations/supportive/messages/?{name}={cursor}")
    assert response.status_code == 400 and name in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/chat/supportive/?before={}", "/chat/supportive/older/?before={}"])
@pytest.mark.parametrize("cursor", HISTORY_CURSORS)
def test_history_pages_treat_a_forged_cursor_as_none(owner_client, owner, path, cursor):
    MessageFactory(user=owner)
    response = owner_client.get(path.format(cursor), HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 302)
