import pytest
from rest_framework.test import APIClient

from journal_site.testing import PASSWORD


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
