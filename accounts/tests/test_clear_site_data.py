"""Signing out and deleting the account tell the browser to forget its cache and storage, never its cookies."""

import pytest

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FORGET = '"cache", "storage"'


def test_sign_out_clears_cache_and_storage_but_keeps_cookies(owner_client):
    response = owner_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == FORGET
    assert "cookies" not in response["Clear-Site-Data"]
    # The next page still says goodbye: the messages cookie survives.
    assert "You are signed out." in owner_client.get(response["Location"]).content.decode()


def test_sign_out_when_already_signed_out_clears_too(client):
    assert client.post("/accounts/logout/")["Clear-Site-Data"] == FORGET


def test_deleting_the_account_clears_cache_and_storage(owner_client):
    response = owner_client.post("/settings/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == FORGET
    assert "were deleted" in owner_client.get(response["Location"]).content.decode()


def test_a_refused_deletion_clears_nothing(owner_client):
    response = owner_client.post("/settings/delete/", {"password": "wrong"})
    assert response.status_code == 400 and "Clear-Site-Data" not in response


def test_deleting_through_the_api_clears_too(owner_api):
    response = owner_api.delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204 and response["Clear-Site-Data"] == FORGET
