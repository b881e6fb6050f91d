"""Whom a request comes from before authentication, and the bearer token checked once (journal_site/requester.py)."""

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from journal_site.requester import bearer_token_checked, requester_identity

pytestmark = pytest.mark.django_db


def _token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


def test_a_valid_bearer_token_counts_against_its_user_and_is_kept_for_the_same_token(rf, owner):
    raw = _token(owner)
    request = rf.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert requester_identity(request) == f"user:{owner.pk}"
    kept = bearer_token_checked(request, raw.encode())
    assert kept is not None and kept["user_id"] == str(owner.pk)
    assert bearer_token_checked(request, raw.encode() + b"x") is None


def test_a_bad_token_is_counted_by_address_and_not_kept(rf, owner):
    raw = _token(owner)[:-4] + "abcd"
    request = rf.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="198.51.100.7")
    assert requester_identity(request) == "ip:198.51.100.7"
    assert bearer_token_checked(request, raw.encode()) is None


def test_a_kept_token_belongs_to_its_request_only(rf, owner):
    raw = _token(owner)
    requester_identity(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {raw}"))
    assert bearer_token_checked(rf.get("/", HTTP_AUTHORIZATION=f"Bearer {raw}"), raw.encode()) is None


def test_the_api_checks_a_bearer_token_once_per_request(owner_api, monkeypatch):
    from rest_framework_simplejwt import tokens

    checks = []
    original = tokens.Token.verify

    def counting(self):
        checks.append(1)
        return original(self)

    monkeypatch.setattr(tokens.Token, "verify", counting)
    assert owner_api.get("/api/v1/me/").status_code == 200
    assert len(checks) == 1


def test_a_signed_in_session_counts_against_its_user(client, owner):
    client.force_login(owner)
    request = client.get("/").wsgi_request
    assert requester_identity(request) == f"user:{owner.pk}"
