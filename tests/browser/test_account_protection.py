"""The account's protections in a real browser: two-step sign-in, signing out another device, the activity log."""

import json
import re
import time

import pyotp
import pytest

from accounts.models import TwoFactor
from accounts.tests.factories import PASSWORD
from tests.browser.conftest import open_page, sign_in, signed_in_as
from tests.browser.test_pages import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_turn_on_two_step_sign_in_then_sign_in_with_a_code(browser, live_server, owner):
    problems: dict = {}
    page = open_page(browser, live_server)
    try:
        signed_in_as(page, owner)
        page.goto(page.base + "/settings/")
        page.get_by_role("link", name="Two-step sign-in").click()
        page.wait_for_url("**/settings/two-factor/")
        assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
        audit(page, "two-factor-setup", problems)
        page.get_by_text("Cannot scan? Enter the key by hand").click()
        secret = page.locator(".secret-key").inner_text().strip()

        page.get_by_label("Your password").fill(PASSWORD)
        assert page.get_by_label("Sign out every other device and app").is_checked()
        page.get_by_label("Code").fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
        page.get_by_role("button", name="Turn on two-step sign-in").click()
        assert "The code is not right" in page.locator(".field-errors").inner_text()
        assert not TwoFactor.objects.filter(user=owner).exists()

        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Turn on two-step sign-in").click()
        page.wait_for_load_state()
        codes = page.locator(".recovery-codes code").all_inner_texts()
        assert len(codes) == 10 and all(re.fullmatch(r"[a-z0-9]{5}-[a-z0-9]{5}", code) for code in codes)
        audit(page, "two-factor-codes", problems)
        page.get_by_role("link", name="I have saved them").click()
        assert "Two-step sign-in is on." in page.locator("main").inner_text()
        audit(page, "two-factor-on", problems)
    finally:
        page.context.close()

    page = open_page(browser, live_server)
    try:
        sign_in(page, "owner")
        page.wait_for_url("**/accounts/login/code/")
        audit(page, "sign-in-code", problems)
        # The password alone opened nothing.
        page.goto(page.base + "/settings/")
        assert "/accounts/login/" in page.url
        page.goto(page.base + "/accounts/login/code/")
        page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))  # the next code
        page.get_by_role("main").get_by_role("button", name="Sign in").click()
        page.wait_for_url(page.base + "/")
        assert "owner" in page.locator("h1").inner_text()
        assert page.js_errors == []
    finally:
        page.context.close()
    assert not problems, json.dumps(problems, indent=1)


def test_list_where_you_are_signed_in_and_sign_out_the_phone(browser, live_server, owner):
    problems: dict = {}
    laptop = open_page(browser, live_server)
    phone = open_page(browser, live_server, user_agent=PHONE_AGENT)
    try:
        sign_in(phone, "owner")
        sign_in(laptop, "owner")
        laptop.goto(laptop.base + "/settings/")
        laptop.get_by_role("link", name="Where you are signed in").click()
        laptop.wait_for_url("**/settings/sessions/")
        rows = laptop.locator(".sign-in")
        assert rows.count() == 2
        assert "this device" in rows.nth(0).inner_text()
        assert "Safari 17 / iOS" in rows.nth(1).inner_text()
        audit(laptop, "sessions", problems)

        rows.nth(1).get_by_role("button", name="Sign out").click()
        assert "That device was signed out." in laptop.locator(".messages").inner_text()
        assert laptop.locator(".sign-in").count() == 1

        # The phone finds itself signed out on its very next page.
        phone.goto(phone.base + "/settings/")
        assert "/accounts/login/" in phone.url
        laptop.goto(laptop.base + "/settings/")
        assert laptop.url.endswith("/settings/")
        assert laptop.js_errors == [] and phone.js_errors == []
    finally:
        laptop.context.close()
        phone.context.close()
    assert not problems, json.dumps(problems, indent=1)


def test_read_the_activity_log(browser, live_server, owner):
    problems: dict = {}
    page = open_page(browser, live_server)
    try:
        sign_in(page, "owner", "not the password")
        sign_in(page, "owner", PASSWORD)
        page.goto(page.base + "/settings/")
        page.get_by_role("link", name="Account activity").click()
        page.wait_for_url("**/settings/activity/")
        kinds = page.locator(".activity-what strong").all_inner_texts()
        assert kinds[:2] == ["Signed in", "Failed sign-in"]
        assert "127.0.0.0/24" in page.locator(".activity-meta").first.inner_text()
        audit(page, "activity", problems)
        assert page.js_errors == []
    finally:
        page.context.close()
    assert not problems, json.dumps(problems, indent=1)


def test_the_protection_pages_speak_polish(browser, live_server, owner):
    owner.language = "pl"
    owner.save()
    problems: dict = {}
    page = open_page(browser, live_server)
    try:
        signed_in_as(page, owner)
        for name, path, heading in [
            ("pl-sessions", "/settings/sessions/", "Zalogowane urządzenia"),
            ("pl-two-factor-setup", "/settings/two-factor/", "Logowanie dwuetapowe"),
            ("pl-activity", "/settings/activity/", "Aktywność konta"),
        ]:
            page.goto(page.base + path)
            assert page.locator("html").get_attribute("lang") == "pl"
            assert page.locator("h1").inner_text() == heading
            audit(page, name, problems, phone=False)
    finally:
        page.context.close()
    assert not problems, json.dumps(problems, indent=1)
