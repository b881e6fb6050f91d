import pytest

from tests.browser.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_landing_page_renders_accessibly_without_script_errors(page):
    page.goto(page.base + "/")
    assert page.locator("h1").first.is_visible()
    assert_accessible(page)
    screenshot(page, "landing")
    assert page.js_errors == []


def test_admin_sign_in_works_in_a_browser(page, admin_user):
    page.goto(page.base + "/admin/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#site-name").is_visible()
