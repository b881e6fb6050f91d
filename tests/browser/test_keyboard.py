"""Keyboard only: Tab, Enter and Space (and typing text), with a visible focus ring at every stop."""

import re

import pytest

from accounts.tests.factories import PASSWORD
from diary.models import DiaryEntry
from tests.browser.conftest import PHONE, assert_focus_visible, signed_in_as, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible() and skip.bounding_box()["y"] >= 0
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # The next stop is inside the page's content, past the navigation.
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert page.evaluate("document.activeElement.textContent.trim()") == "New entry"


def test_keyboard_only_sign_in(page, owner):
    page.goto(page.base + "/accounts/login/")
    tab_to(page, "input[name=username]")
    assert_focus_visible(page)
    page.keyboard.type("owner")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    assert_focus_visible(page)
    page.keyboard.type(PASSWORD)
    tab_to(page, "main button[type=submit]")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(page.base + "/")
    assert "owner" in page.locator("h1").inner_text()


def test_keyboard_only_entry_writing(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/")
    # The dashboard's mood buttons save a check-in; "Add a note" then opens its editor, ready to type.
    tab_to(page, "button.mood-quick-option.mood-4")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/\?checked=\d+#checked$"))
    tab_to(page, ".checkin-saved a.button")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/diary/\d+/edit/$"))
    assert page.evaluate("document.activeElement.name") == "content"
    assert_focus_visible(page)
    page.keyboard.type("Tab, Enter and Space are enough.")
    page.keyboard.press("Enter")
    page.keyboard.type("A second paragraph.")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.name") == "title"
    assert_focus_visible(page)
    page.keyboard.type("Written without a mouse")

    # Emotions are checkboxes drawn as pills: Space ticks the focused one, its pill shows the ring.
    tab_to(page, "input[name=emotion_tags][value=calm]")
    assert_focus_visible(page)
    page.keyboard.press("Space")
    tab_to(page, "input[name=emotion_tags][value=proud]")
    page.keyboard.press("Space")
    # Date and privacy are folded: Enter on the summary opens them.
    tab_to(page, "details.more-fold > summary")
    page.keyboard.press("Enter")
    tab_to(page, "input[name=exclude_from_ai]")
    assert_focus_visible(page)
    page.keyboard.press("Space")
    tab_to(page, "form.entry-editor button[type=submit]")
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/diary/\d+/$"))
    entry = DiaryEntry.objects.get(user=owner)
    assert entry.title == "Written without a mouse"
    assert entry.content.replace("\r\n", "\n") == "Tab, Enter and Space are enough.\nA second paragraph."
    assert entry.mood == 4
    assert sorted(entry.emotion_tags) == ["calm", "proud"]
    assert entry.exclude_from_ai is True
    assert "Saved." in page.locator(".messages").inner_text()


def test_focus_mode_leaves_only_the_page_and_escape_brings_the_rest_back(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/new/")
    tab_to(page, "[data-focus-toggle]")
    page.keyboard.press("Enter")
    assert not page.locator(".site-header").is_visible()
    assert page.evaluate("document.activeElement.name") == "content"
    assert page.locator("[data-focus-toggle]").get_attribute("aria-pressed") == "true"
    page.keyboard.type("Only the words.")
    page.keyboard.press("Escape")
    assert page.locator(".site-header").is_visible()
    assert page.locator("[data-focus-toggle]").get_attribute("aria-pressed") == "false"
    assert page.get_by_label("Entry", exact=True).input_value() == "Only the words."


def test_phone_menu_opens_and_navigates_with_the_keyboard(page, owner):
    signed_in_as(page, owner)
    page.set_viewport_size(PHONE)
    page.goto(page.base + "/")
    # The wide navigation is not there to trip over on a phone.
    assert not page.locator(".nav-wide").first.is_visible()
    tab_to(page, "summary.nav-menu-button")
    assert_focus_visible(page)
    button = page.locator("summary.nav-menu-button")
    assert button.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.locator(".nav-menu-panel").is_visible()
    expanded = "document.querySelector('summary.nav-menu-button').getAttribute('aria-expanded') === '%s'"
    page.wait_for_function(expanded % "true")
    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    assert not page.locator(".nav-menu-panel").is_visible()
    assert page.evaluate("document.activeElement.matches('summary.nav-menu-button')")
    page.wait_for_function(expanded % "false")
    page.keyboard.press("Space")
    assert page.locator(".nav-menu-panel").is_visible()
    tab_to(page, '.nav-menu-panel a[href="/diary/calendar/"]')
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(page.base + "/diary/calendar/")
    page.locator("summary.nav-menu-button").click()
    current = page.locator(".nav-menu-panel a[aria-current=page]")
    assert current.all_inner_texts() == ["Calendar"]
    # Sign out is in the menu too.
    assert page.locator(".nav-menu-panel").get_by_role("button", name="Sign out").is_visible()
