"""Every limit per client address counts an IPv6 client by its /64, and sign-in locks count per account."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts import throttling
from accounts.tests.factories import PASSWORD
from journal_site.requester import requester_identity

pytestmark = pytest.mark.django_db

ONE_64 = ["2001:db8:aa:bb::1", "2001:db8:aa:bb:ffff:ffff:ffff:fffe", "2001:db8:aa:bb:1234::9"]


def test_the_general_limiter_counts_an_ipv6_64_as_one_client(rf):
    identities = {requester_identity(rf.get("/", REMOTE_ADDR=address)) for address in ONE_64}
    assert len(identities) == 1
    assert requester_identity(rf.get("/", REMOTE_ADDR="2001:db8:aa:bc::1")) not in identities


@pytest.mark.parametrize(
    "checks",
    [
        pytest.param(lambda request: throttling.signin_checks(request=request, identifier="someone")[1:], id="sign-in"),
        pytest.param(lambda request: throttling.signup_checks(request=request), id="sign-up"),
    ],
)
def test_sign_in_and_sign_up_count_an_ipv6_64_as_one_client(rf, checks):
    keys = {tuple(checks(rf.get("/", REMOTE_ADDR=address))) for address in ONE_64}
    assert len(keys) == 1


def test_password_reset_counts_an_ipv6_64_as_one_client(client):
    for n in range(5):
        client.post("/accounts/password/reset/", {"email": f"x{n}@example.com"}, REMOTE_ADDR=f"2001:db8:aa:bb:{n}::1")
    response = client.post("/accounts/password/reset/", {"email": "y@example.com"}, REMOTE_ADDR=ONE_64[1])
    assert response.status_code == 429


def test_sign_up_is_limited_per_address_on_page_and_api(client):
    statuses = []
    for n in range(11):
        body = {"username": f"n{n}", "email": f"n{n}@example.com", "password": PASSWORD}
        statuses.append(
            APIClient().post("/api/v1/auth/register/", body, format="json", REMOTE_ADDR=ONE_64[0]).status_code
        )
    assert statuses == [201] * 10 + [429]
    data = {"username": "late", "email": "late@example.com", "password1": PASSWORD, "password2": PASSWORD}
    response = Client().post("/accounts/signup/", data, REMOTE_ADDR=ONE_64[2])
    assert response.status_code == 429 and response["Retry-After"]


def test_the_sign_in_lock_is_per_account_whatever_name_is_typed(owner):
    api = APIClient()
    for name in ("owner", "OWNER", "owner@example.com", "Owner@Example.COM", "owner"):
        api.post("/api/v1/auth/token/", {"username": name, "password": "guess"}, format="json")
    response = api.post("/api/v1/auth/token/", {"username": "owner@example.com", "password": PASSWORD}, format="json")
    assert response.status_code == 429
