"""Sign-in throttling: 5 failures per name or 20 per address in 15 minutes lock it for 15 minutes."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from accounts import throttling
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def fail_page(client, username="owner", address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_five_failures_lock_the_username_on_the_page(client, owner):
    for _ in range(5):
        assert fail_page(client).status_code == 400
    # Even the right password is refused now, with a clear message and Retry-After.
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert b"Too many failed attempts. Try again in 15 minutes." in response.content
    assert 890 <= int(response["Retry-After"]) <= 900
    assert "_auth_user_id" not in client.session


def test_username_lock_holds_from_another_address_and_by_email_case(client, owner):
    for _ in range(5):
        fail_page(client, username="Owner")
    response = client.post("/accounts/login/", {"username": "OWNER", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429


def test_four_failures_then_success_signs_in_and_forgives(client, owner):
    for _ in range(4):
        fail_page(client)
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302
    client.logout()
    for _ in range(4):  # the count started again after the success
        assert fail_page(client).status_code == 400


def test_twenty_failures_lock_the_address_for_every_name(client, owner):
    for n in range(20):
        fail_page(client, username=f"someone{n}", address="10.0.0.7")
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    # Another address is not affected.
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 302


def test_lock_ends_after_fifteen_minutes(client, owner, monkeypatch):
    for _ in range(5):
        fail_page(client)
    assert fail_page(client).status_code == 429
    later = throttling.time.time() + 15 * 60 + 1
    monkeypatch.setattr(throttling.time, "time", lambda: later)
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302


def test_lock_lives_in_the_shared_cache(client, owner):
    for _ in range(5):
        fail_page(client)
    lock = f"throttle:name:lock:user-{owner.pk}"
    assert cache.get(lock) is not None  # any worker reading this cache sees it
    assert "owner" not in lock  # the typed name is never stored


def test_username_and_email_share_one_count_per_account(client, owner):
    """Five guesses per account, not five per name it can be reached by."""
    for n in range(5):
        name = "owner" if n % 2 else "Owner@Example.com"
        assert fail_page(client, username=name, address=f"10.0.1.{n}").status_code == 400
    for name in ("owner", "owner@example.com"):
        response = client.post("/accounts/login/", {"username": name, "password": PASSWORD}, REMOTE_ADDR="10.0.2.1")
        assert response.status_code == 429


def test_unknown_names_are_counted_and_locked_like_accounts(client, owner):
    """A name without an account gets its own bucket: the answers do not reveal which names exist."""
    for _ in range(5):
        assert fail_page(client, username="nobody", address="10.0.3.1").status_code == 400
    assert fail_page(client, username="nobody", address="10.0.3.2").status_code == 429
    assert fail_page(client, username="nobody@example.com", address="10.0.3.2").status_code == 400
    lock = f"throttle:name:lock:{throttling.name_key('nobody')}"
    assert cache.get(lock) is not None and "nobody" not in lock
    # The real account is not locked by the unknown name's failures.
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.0.3.3")
    assert response.status_code == 302


def test_api_token_is_throttled_alike_with_429(api_client, owner):
    for _ in range(5):
        response = api_client.post("/api/v1/auth/token/", {"username": "owner", "password": "x"}, format="json")
        assert response.status_code == 401
    response = api_client.post("/api/v1/auth/token/", {"username": "owner", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_page_and_api_share_the_count(client, api_client, owner):
    for _ in range(3):
        fail_page(client, address="127.0.0.1")
    for _ in range(2):
        api_client.post("/api/v1/auth/token/", {"username": "owner", "password": "x"}, format="json")
    response = api_client.post("/api/v1/auth/token/", {"username": "owner", "password": PASSWORD}, format="json")
    assert response.status_code == 429


def test_admin_login_is_throttled_too(client):
    UserFactory(username="boss", is_admin=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "boss", "password": "x"})
    response = client.post("/admin/login/?next=/admin/", {"username": "boss", "password": PASSWORD})
    assert response.status_code == 200 and b"Too many failed attempts" in response.content
    assert client.get("/admin/").status_code == 302


def test_successful_sign_in_does_not_wait_or_count(client, owner, django_assert_num_queries):
    # 1 the account's id for the throttle key; 2 the user by its username key; 3 is two-step sign-in on?
    # (accounts/twofactor.py); 4-5 the new session (exists?, insert); 6 its sign-in row and 7 the
    # activity log's "signed in" (accounts/devices.py); 8 last_login; 9 the session again (update).
    # No throttle rows: it lives in the cache.
    with django_assert_num_queries(9):
        response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert throttling.locked_for(throttling.signin_checks(request=response.wsgi_request, identifier="owner")) == 0


@override_settings(TRUSTED_PROXIES=["10.1.0.0/16"])
def test_forwarded_address_is_believed_only_from_trusted_proxies(rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.1.0.5")
    assert throttling.client_ip(request) == "203.0.113.9"
    request = rf.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert throttling.client_ip(request) == "198.51.100.1"


def test_twenty_failures_from_one_ipv6_64_lock_all_of_it(client, owner):
    for n in range(20):
        fail_page(client, username=f"someone{n}", address=f"2001:db8:5:6:{n:x}::1")
    response = client.post(
        "/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="2001:db8:5:6:ffff::9"
    )
    assert response.status_code == 429
    response = client.post(
        "/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="2001:db8:5:7::9"
    )
    assert response.status_code == 302


def test_ipv6_addresses_are_counted_per_64_block():
    assert throttling.address_key("2001:db8:1:2:aaaa::1") == throttling.address_key("2001:db8:1:2:bbbb::9")
    assert throttling.address_key("2001:db8:1:3::1") != throttling.address_key("2001:db8:1:2::1")
    assert throttling.address_key("::ffff:192.0.2.1") == "192.0.2.1"


def test_unreachable_cache_never_breaks_sign_in(client, owner, monkeypatch):
    # django-redis with IGNORE_EXCEPTIONS answers None/defaults while Redis is down.
    monkeypatch.setattr(throttling.cache, "incr", lambda *a, **k: None)
    monkeypatch.setattr(throttling.cache, "get_many", lambda *a, **k: {})
    assert fail_page(client).status_code == 400
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302


# --- A browser the account signed in on before (throttling.known_device) ----------------------------


def _known_browser(owner) -> Client:
    browser = Client()
    response = browser.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302 and throttling.DEVICE_COOKIE in response.cookies
    cookie = response.cookies[throttling.DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    browser.post(reverse("accounts:logout"))  # signing out keeps the mark (the test client's logout() drops cookies)
    assert "_auth_user_id" not in browser.session and throttling.DEVICE_COOKIE in browser.cookies
    return browser


def test_a_strangers_guesses_do_not_lock_the_owner_out_of_a_browser_they_signed_in_on(client, owner):
    browser = _known_browser(owner)
    for _ in range(12):
        fail_page(client, address="203.0.113.9")
    # The stranger, and any browser the account never signed in on, are locked out...
    assert fail_page(client, address="203.0.113.9").status_code == 429
    fresh = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.2.2.2")
    assert fresh.status_code == 429
    # ...the owner's own browser is not.
    response = browser.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302 and "_auth_user_id" in browser.session


def test_a_known_browser_has_its_own_five_guesses_and_they_do_not_lock_the_account(client, owner):
    browser = _known_browser(owner)
    for _ in range(5):
        assert fail_page(browser, address="10.1.1.1").status_code == 400
    assert fail_page(browser, address="10.1.1.1").status_code == 429
    # Other browsers still have the account's own count.
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 302


def test_a_device_cookie_of_another_account_or_a_forged_one_counts_for_nothing(client, owner, outsider):
    stranger = Client()
    stranger.post("/accounts/login/", {"username": "outsider", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    stranger.post(reverse("accounts:logout"))
    assert throttling.DEVICE_COOKIE in stranger.cookies
    for _ in range(5):
        fail_page(client, address="203.0.113.8")
    right = {"username": "owner", "password": PASSWORD}
    assert stranger.post("/accounts/login/", right, REMOTE_ADDR="203.0.113.9").status_code == 429
    client.cookies[throttling.DEVICE_COOKIE] = "forged:value"
    forged = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert forged.status_code == 429


def test_the_known_browser_may_confirm_its_password_while_strangers_have_locked_the_account(client, owner):
    browser = _known_browser(owner)
    browser.post("/accounts/login/", {"username": "owner", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    for _ in range(5):
        fail_page(client, address="203.0.113.9")
    form = {"email": "new-owner@example.com", "language": "en", "timezone": "UTC", "current_password": PASSWORD}
    response = browser.post("/settings/", form, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302
    # The same right password from a browser the account never signed in on waits.
    stranger = Client()
    stranger.force_login(owner)
    form["email"] = "another-owner@example.com"
    refused = stranger.post("/settings/", form, REMOTE_ADDR="10.4.4.4")
    assert "Too many failed attempts" in refused.content.decode()
