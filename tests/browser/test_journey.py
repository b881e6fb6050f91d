"""The journal's everyday flows in a real browser: sign-up to sign-out, writing, finding, export and import."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from diary.tests.factories import EntryFactory
from tests.browser.conftest import signed_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def message(page) -> str:
    return page.locator(".messages").inner_text()


def test_sign_up_sign_out_and_sign_in_again_with_the_email(page):
    page.goto(page.base + "/")
    page.get_by_role("link", name="Start writing").click()
    page.get_by_label("Username").fill("rowan")
    page.get_by_label("Email").fill("rowan@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()

    page.wait_for_url(page.base + "/")
    assert "Welcome! Your journal is ready." in message(page)
    assert re.fullmatch(r"Good (morning|afternoon|evening), rowan", page.locator("h1").inner_text())

    page.get_by_role("button", name="Sign out").click()
    assert "You are signed out." in message(page)
    assert page.get_by_role("link", name="Start writing").is_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Username or email").fill("rowan@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    assert "rowan" in page.locator("h1").inner_text()
    assert page.js_errors == []


def test_a_wrong_password_is_answered_beside_the_form(page, owner):
    page.goto(page.base + "/accounts/login/")
    page.get_by_label("Username or email").fill("owner")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.locator(".form-errors[role=alert]").wait_for()
    assert page.url.endswith("/accounts/login/")
    # What was typed in the name stays; the password does not.
    assert page.get_by_label("Username or email").input_value() == "owner"
    assert page.get_by_label("Password").input_value() == ""


def test_write_an_entry_with_mood_and_emotions_then_find_it_by_search_tag_and_calendar(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/")
    page.get_by_role("link", name="Write", exact=True).click()
    page.wait_for_url("**/diary/new/")

    page.get_by_label("Title").fill("Rain at the lake")
    page.get_by_label("Entry", exact=True).fill("We swam in the lake while it rained. I felt calm and thankful.")
    page.locator("label.mood-option", has_text="good").click()
    chips = page.locator(".chips")
    chips.get_by_text("calm", exact=True).click()
    chips.get_by_text("grateful", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()

    page.wait_for_url(re.compile(r"/diary/\d+/$"))
    entry_url = page.url
    assert "Saved." in message(page)
    assert page.locator("h1").inner_text() == "Rain at the lake"
    assert page.locator(".entry-header .mood").inner_text() == "good"
    assert page.locator(".entry-header .tags").inner_text().split() == ["calm", "grateful"]

    # Search matches the beginning of a word.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Diary").click()
    page.get_by_label("Search").fill("lak")
    page.get_by_role("button", name="Find").click()
    page.wait_for_load_state()
    assert page.locator(".results-summary").inner_text() == "1 entry found"
    assert page.locator(".entry-card-title").all_inner_texts() == ["Rain at the lake"]
    page.get_by_label("Search").fill("mountains")
    page.get_by_role("button", name="Find").click()
    assert "No entries match these filters." in page.locator(".empty-state").inner_text()

    # A tag on the entry lists every entry with that emotion.
    page.goto(entry_url)
    page.get_by_role("link", name="grateful").click()
    page.wait_for_url("**/diary/?tag=grateful")
    assert page.locator(".entry-card-title").all_inner_texts() == ["Rain at the lake"]
    assert page.get_by_label("Emotion or tag", exact=True).input_value() == "grateful"

    # The calendar marks today, coloured by the mood; its link lists the day's entries.
    page.get_by_role("link", name="Calendar").first.click()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Calendar").get_attribute("aria-current") == "page"
    assert nav.get_by_role("link", name="Diary").get_attribute("aria-current") is None
    today = page.locator("a.cal-day[aria-current=date]")
    assert "cal-mood-4" in today.get_attribute("class")
    assert "1 entry, mood good" in today.text_content()  # the words a screen reader hears
    today.click()
    page.wait_for_url(re.compile(r"/diary/\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d$"))
    assert page.locator(".entry-card-title").all_inner_texts() == ["Rain at the lake"]

    # Insights count it, with a chart and a table behind each chart.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Insights").click()
    page.wait_for_load_state()
    names, values = page.locator(".stat dt").all_inner_texts(), page.locator(".stat dd").all_inner_texts()
    stats = dict(zip(names, values, strict=True))
    assert stats["Entries"] == "1" and stats["Average mood"].startswith("4.0")
    assert page.locator("svg.chart-svg[role=img]:visible").count() == 5  # the year is drawn twice: wide and tall
    page.locator("#emotions-heading ~ details summary").click()
    assert "grateful" in page.locator("#emotions-heading ~ details table").inner_text()
    assert page.js_errors == []


def test_edit_and_delete_an_entry_with_a_message_after_each(page, owner):
    entry = EntryFactory(user=owner, title="First draft", content="Short.")
    signed_in_as(page, owner)
    page.goto(f"{page.base}/diary/{entry.pk}/")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Title").fill("Second thoughts")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "Saved." in message(page)
    assert page.locator("h1").inner_text() == "Second thoughts"

    page.get_by_role("link", name="Delete").click()
    assert page.locator("h1").inner_text() == "Delete the entry?"
    page.get_by_role("button", name="Delete for good").click()
    page.wait_for_url(page.base + "/diary/")
    assert "The entry was deleted." in message(page)
    # An empty diary invites the first entry.
    empty = page.locator(".empty-state")
    assert empty.get_by_role("link", name="Write the first entry").is_visible()


def test_an_empty_entry_is_refused_beside_the_field_and_nothing_is_lost(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/new/")
    page.get_by_label("Title").fill("Only a title")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator("#form-errors").wait_for()
    assert page.url.endswith("/diary/new/")
    assert page.locator("#id_content_error").is_visible()
    assert page.get_by_label("Entry", exact=True).get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Title").input_value() == "Only a title"


def test_export_downloads_the_journal_and_importing_it_again_skips_what_is_there(page, owner, tmp_path):
    EntryFactory(user=owner, title="By the river", content="Walked by the river.", emotion_tags=["calm"])
    EntryFactory(user=owner, title="Late train", content="The train was late.", mood=2, emotion_tags=["tired"],
                 created_at=timezone.now() - timedelta(days=3))
    signed_in_as(page, owner)
    page.goto(page.base + "/settings/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Everything (JSON)").click()
    assert download.value.suggested_filename.endswith(".json")
    exported = tmp_path / "export.json"
    download.value.save_as(exported)
    data = json.loads(exported.read_text())
    assert sorted(entry["title"] for entry in data["entries"]) == ["By the river", "Late train"]

    with page.expect_download() as download:
        page.get_by_role("link", name="Entries as CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["title"] for row in rows) == ["By the river", "Late train"]

    page.get_by_label("File to import").set_input_files(exported)
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r"/settings/import/\d+/$"))
    assert "Import finished." in page.locator("[role=status]").inner_text()
    assert "0 entries added." in page.locator("main").inner_text()
    assert "2 skipped" in page.locator("main").inner_text()


def test_settings_save_with_a_message_and_a_long_checkbox_label_keeps_its_box(page, owner):
    signed_in_as(page, owner)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(page.base + "/settings/")
    box = page.get_by_label("The companion may read my recent entries")
    size = box.bounding_box()
    assert size["width"] >= 18 and abs(size["width"] - size["height"]) < 1
    box.check()
    page.get_by_label("Current password").fill(PASSWORD)  # letting the companion read entries asks for it
    page.get_by_role("button", name="Save settings").click()
    assert "Your settings were saved." in message(page)
    assert page.get_by_label("The companion may read my recent entries").is_checked()


def test_the_outsider_cannot_open_the_owners_entry(page, owner):
    entry = EntryFactory(user=owner, title="Private")
    signed_in_as(page, UserFactory(username="stranger"))
    response = page.goto(f"{page.base}/diary/{entry.pk}/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "This page does not exist"
    assert "Private" not in page.content()
