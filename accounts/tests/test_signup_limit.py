"""Sign-up attempts are limited per client address, so "this email has an account" cannot be harvested."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def page_attempt(client, n: int, address: str = "10.4.0.1"):
    data = {"username": f"probe{n}", "email": "owner@example.com", "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", data, REMOTE_ADDR=address)


def api_attempt(n: int, address: str = "10.4.0.1"):
    body = {"username": f"probe{n}", "email": f"probe{n}@example.com", "password": PASSWORD}
    return APIClient().post("/api/v1/auth/register/", body, format="json", REMOTE_ADDR=address)


def test_the_eleventh_attempt_from_an_address_gets_429_on_the_page(client, owner):
    for n in range(10):
        response = page_attempt(client, n)
        assert response.status_code == 400
        assert b"An account with this email address already exists." in response.content
    response = page_attempt(client, 10)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 900
    # The refusal does not answer the question it refuses.
    assert b"already exists" not in response.content
    assert b"Too many requests. Try again in 15 minutes." in response.content
    # Another address may still sign up.
    assert page_attempt(client, 11, address="10.4.0.2").status_code == 400


def test_successful_sign_ups_count_too_and_the_api_shares_the_count(client):
    for n in range(5):
        assert api_attempt(n).status_code == 201
    for n in range(5, 10):
        assert page_attempt(client, n).status_code in (302, 400)
        client.logout()
    response = api_attempt(10)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Too many requests.")
    assert not User.objects.filter(username="probe10").exists()


def test_one_ipv6_64_is_one_address(client):
    for n in range(10):
        api_attempt(n, address=f"2001:db8:9:1:{n:x}::1")
    assert api_attempt(10, address="2001:db8:9:1:ffff::2").status_code == 429
    assert api_attempt(11, address="2001:db8:9:2::1").status_code == 201


def test_a_get_of_the_page_is_not_an_attempt(client):
    for _ in range(20):
        assert client.get("/accounts/signup/").status_code == 200
    assert api_attempt(1).status_code == 201
