"""Unsaved drafts stay with their writer: the next account in the same browser never sees them."""

import pytest

from accounts.tests.factories import UserFactory
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "Alice's unsaved draft about the appointment"
DRAFTS = "() => Object.keys(localStorage).filter((k) => k.startsWith('diary:draft:'))"


@pytest.fixture
def alice_and_bob(db):
    return UserFactory(username="alice", email="alice@example.com"), UserFactory(
        username="bob", email="bob@example.com"
    )


def write_a_draft(page) -> None:
    page.goto(page.base + "/diary/new/")
    page.fill("textarea[name=content]", SECRET)
    page.wait_for_function(f"({DRAFTS})().length === 1")


def assert_empty_editor(page) -> None:
    page.goto(page.base + "/diary/new/")
    page.wait_for_load_state("load")
    assert page.locator("textarea[name=content]").input_value() == ""
    assert page.locator("[data-draft-notice]").is_hidden()
    assert SECRET not in page.content()


def test_alices_draft_is_gone_after_she_signs_out_and_bob_signs_in(page, alice_and_bob):
    sign_in(page, "alice")
    write_a_draft(page)
    page.reload()  # the draft does survive a reload for Alice
    assert page.locator("textarea[name=content]").input_value() == SECRET
    key = page.evaluate(DRAFTS)[0]
    assert "alice" not in key and "@" in key  # an opaque owner id, not the name

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state("load")
    assert page.evaluate(DRAFTS) == []

    sign_in(page, "bob")
    assert_empty_editor(page)
    assert page.js_errors == []


def test_a_draft_left_behind_is_never_offered_to_the_next_account(page, alice_and_bob):
    """Alice's session simply ends (no sign-out): her draft stays in storage, but only Alice gets it back."""
    sign_in(page, "alice")
    write_a_draft(page)
    page.context.clear_cookies()

    sign_in(page, "bob")
    assert_empty_editor(page)
    page.fill("textarea[name=content]", "Bob's own words")
    page.wait_for_function(f"({DRAFTS})().length === 2")
    page.context.clear_cookies()

    sign_in(page, "alice")
    page.goto(page.base + "/diary/new/")
    assert page.locator("textarea[name=content]").input_value() == SECRET
    assert page.locator("[data-draft-notice]").is_visible()
    assert page.js_errors == []


def test_the_servers_clear_site_data_alone_empties_the_storage(page, alice_and_bob):
    """Without the page's own script (a form it does not recognise), the response header clears the drafts."""
    sign_in(page, "alice")
    write_a_draft(page)
    page.goto(page.base + "/")
    assert len(page.evaluate(DRAFTS)) == 1
    page.evaluate(
        """() => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = "/accounts/logout/?by=header";
        const token = document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode();
        form.appendChild(token);
        document.body.appendChild(form);
        setTimeout(() => form.submit(), 0);
      }"""
    )
    page.wait_for_selector(".messages")
    assert page.evaluate(DRAFTS) == []
    assert "You are signed out." in page.content()  # cookies were kept: the message arrived
