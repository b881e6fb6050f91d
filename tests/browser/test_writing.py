"""Writing in a real browser: check-ins, the phone editor, emotions and tags, prompts and templates,
drafts after an unanswered save, the word count, and the small things (theme, language, "n", busy buttons).

Screenshots go to var/screenshots/writing-*.png at phone (390x844) and desktop width, light and dark.
"""

import json
import re
from pathlib import Path

import pytest

from accounts.tests.factories import PASSWORD
from diary.models import DiaryEntry, EntryTemplate
from diary.prompts import PROMPTS
from diary.tests.factories import EntryFactory
from tests.browser.conftest import SCREENSHOTS, assert_accessible, checked_screenshots, open_page, signed_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
EXAMPLES = Path(__file__).resolve().parents[2] / "diary" / "tests" / "word_count_examples.json"


def shots(page, name: str) -> None:
    """The page at phone and desktop width, light and dark, each checked by axe first."""
    checked_screenshots(page, f"writing-{name}", PHONE)


def message(page) -> str:
    return page.locator(".messages").inner_text()


@pytest.fixture
def phone(browser, live_server):
    page = open_page(browser, live_server, viewport=PHONE, has_touch=True, is_mobile=True)
    yield page
    page.context.close()


def test_a_check_in_is_one_press_then_a_note_and_emotions_if_wanted(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/")
    assert page.locator(".dash-summary").inner_text().startswith("Welcome. A first entry can be one line")
    shots(page, "dashboard")

    page.get_by_role("region", name="How are you feeling?").get_by_role("button", name="good").click()
    page.wait_for_url(re.compile(r"/\?checked=\d+#checked$"))
    entry = DiaryEntry.objects.get(user=owner)
    assert (entry.mood, entry.content) == (4, "")
    assert "Your mood is saved." in message(page)
    saved = page.locator(".checkin-saved")
    assert saved.locator("h2").inner_text().startswith("Saved: good at")
    assert saved.get_by_role("button", name="good").get_attribute("aria-pressed") == "true"
    shots(page, "dashboard-checked")
    saved.get_by_role("link", name="Add a note").click()
    page.wait_for_url(re.compile(r"/diary/\d+/edit/$"))

    page.get_by_label("Entry", exact=True).fill("A slow morning with tea.")
    page.locator(".chips").get_by_text("calm", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(page.base + f"/diary/{entry.pk}/")
    entry.refresh_from_db()
    assert (entry.mood, entry.content, entry.emotion_tags) == (4, "A slow morning with tea.", ["calm"])
    assert DiaryEntry.objects.filter(user=owner).count() == 1

    page.goto(page.base + "/")
    assert page.locator(".dash-summary").inner_text() == "1-day streak · 1 day written this month"
    assert page.js_errors == []


def test_the_phone_editor_opens_ready_to_type_and_save_is_always_on_screen(phone, owner):
    signed_in_as(phone, owner)
    phone.goto(phone.base + "/diary/new/")
    assert phone.evaluate("document.activeElement.name") == "content"
    # The mood comes before the page; emotions are folded away.
    mood_top = phone.locator("fieldset.mood-picker").bounding_box()["y"]
    assert mood_top < phone.get_by_label("Entry", exact=True).bounding_box()["y"]
    assert phone.locator("details.emotion-fold").get_attribute("open") is None
    save = phone.get_by_role("button", name="Save", exact=True)

    def save_on_screen() -> bool:
        box = save.bounding_box()
        return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]

    assert save_on_screen()
    phone.locator("details.emotion-fold > summary").click()
    phone.locator("details.more-fold > summary").click()
    for y in (300, 900, 5000):
        phone.evaluate(f"window.scrollTo(0, {y})")
        assert save_on_screen(), y
    shots(phone, "editor-phone")

    phone.get_by_label("Entry", exact=True).fill("Written on a phone.")
    save.click()
    phone.wait_for_url(re.compile(r"/diary/\d+/$"))
    assert DiaryEntry.objects.get(user=owner).content == "Written on a phone."


def test_emotions_come_in_groups_with_the_most_used_first_and_own_tags_complete(page, owner):
    EntryFactory.create_batch(3, user=owner, emotion_tags=["inspired", "lonely"], tags=["walk"])
    EntryFactory(user=owner, tags=["work"])
    from diary.models import UserTag
    from diary.writing import user_tag_names

    # "walk" and "work" are on the list already, as the factory's entries put them there.
    UserTag.objects.bulk_create([UserTag(user=owner, name=name) for name in ("walk", "work", "Anna")],
                                ignore_conflicts=True)
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/new/")
    groups = page.locator(".emotion-group")
    assert groups.locator(".emotion-group-label").all_inner_texts() == ["PLEASANT", "UNPLEASANT", "EITHER WAY"]
    assert groups.nth(0).locator(".chip").first.inner_text() == "inspired"
    assert groups.nth(1).locator(".chip").first.inner_text() == "lonely"

    tags = page.get_by_label("Tags")
    tags.fill("Anna, w")
    tags.dispatch_event("input")
    options = page.locator("datalist#tag-options option")
    assert sorted(options.evaluate_all("os => os.map(o => o.value)")) == ["Anna, walk", "Anna, work"]
    tags.fill("Anna, walk, swimming")
    page.get_by_label("Entry", exact=True).fill("Swam a mile.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/diary/\d+/$"))
    assert page.get_by_role("list", name="Tags").inner_text().split() == ["#Anna", "#walk", "#swimming"]
    assert "swimming" in user_tag_names(user=owner)  # the names are sealed: the list is opened

    # Statistics count the user's own tags like emotions.
    stats = page.request.get(page.base + "/api/v1/stats/?days=7").json()
    assert {tag["name"]: tag["entries"] for tag in stats["tags"]}["walk"] == 4


def test_a_daily_prompt_stays_put_and_a_template_fills_the_blank_page(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/new/")
    prompt = page.locator("[data-prompt]").inner_text()
    assert prompt in [str(p) for p in PROMPTS]
    page.reload()
    assert page.locator("[data-prompt]").inner_text() == prompt

    page.get_by_role("link", name="Make a template").click()
    page.get_by_label("Name").fill("Gratitude")
    page.get_by_label("Text").fill("Three good things:\n1.\n2.\n3.")
    page.get_by_role("button", name="Add the template").click()
    assert "The template was added." in message(page)
    shots(page, "templates")
    assert EntryTemplate.objects.get(user=owner).name == "Gratitude"

    page.goto(page.base + "/diary/new/")
    page.get_by_role("link", name="Gratitude").click()
    assert page.get_by_label("Entry", exact=True).input_value() == "Three good things:\n1.\n2.\n3."
    assert page.url.endswith("/diary/new/")  # filled in place, no new page
    shots(page, "editor")


def test_a_save_whose_answer_never_came_is_not_restored_as_a_draft(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/new/")
    page.get_by_label("Entry", exact=True).fill("Saved, but I left before the page changed.")

    # The server saves the entry, but the browser never sees the redirect (the writer left).
    def save_then_drop(route):
        if route.request.method == "POST":
            route.fetch(max_redirects=0)
            route.abort()
        else:
            route.continue_()

    page.route("**/diary/new/", save_then_drop)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_timeout(500)
    page.unroute("**/diary/new/")
    assert DiaryEntry.objects.filter(user=owner).count() == 1

    page.goto(page.base + "/diary/new/")
    assert page.get_by_label("Entry", exact=True).input_value() == ""
    assert page.locator("[data-draft-notice]").is_hidden()
    offer = page.locator("[data-submitted-notice]")
    assert offer.is_visible()
    # Reloading again: nothing comes back on its own, nothing is offered twice.
    page.reload()
    assert page.get_by_label("Entry", exact=True).input_value() == ""
    assert page.locator("[data-submitted-notice]").is_hidden()
    assert DiaryEntry.objects.filter(user=owner).count() == 1


def test_the_offered_text_comes_back_on_request(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/new/")
    # A draft's key names its writer (docs/account-security.md).
    key = "diary:draft:new@" + page.locator("form[data-draft-owner]").get_attribute("data-draft-owner")
    page.goto(page.base + "/diary/")  # set outside the editor, whose own leaving would rewrite it
    page.evaluate(
        """(key) => localStorage.setItem(key, JSON.stringify(
            {data: {title: "", content: "Sent once.", emotion_tags: [], mood: ""},
             savedAt: Date.now(), submitted: true}))""",
        key,
    )
    page.goto(page.base + "/diary/new/")
    page.get_by_role("button", name="Put that text back here").click()
    assert page.get_by_label("Entry", exact=True).input_value() == "Sent once."


def test_the_word_count_is_of_visible_words_in_the_editor_and_on_the_page(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/new/")
    examples = json.loads(EXAMPLES.read_text())
    counted = page.evaluate("(xs) => xs.map(([text]) => window.journalWords.count(text))", examples)
    assert counted == [expected for _, expected in examples]

    text = "| what | how |\n|---|---|\n| tea | hot |\n\n**Big** [news](https://example.com/a/b) well-being 🙂"
    page.get_by_label("Entry", exact=True).fill(text)
    # what how tea hot Big news well-being: no pipes, dashes, stars, link target or emoji.
    assert page.locator("[data-word-count]").inner_text() == "7 words"
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/diary/\d+/$"))
    assert "7 words" in page.locator(".entry-footer").inner_text()
    assert DiaryEntry.objects.get(user=owner).word_count == 7


def test_theme_switch_is_kept_per_user_and_applied_without_inline_script(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/")
    background = "getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    page.get_by_role("group", name="Theme").get_by_role("button", name="Dark").click()
    page.wait_for_url(page.base + "/diary/")
    assert page.locator("html").get_attribute("class") == "theme-dark"
    assert page.evaluate(background) != light
    owner.refresh_from_db()
    assert owner.theme == "dark"
    assert page.locator("script:not([src])").count() == 0
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "writing-theme-dark-chosen.png"))

    # Light chosen beats a dark device; "as the device" follows it again.
    page.emulate_media(color_scheme="dark")
    page.get_by_role("group", name="Theme").get_by_role("button", name="Light").click()
    assert page.evaluate(background) == light
    page.get_by_role("group", name="Theme").get_by_role("button", name="As the device").click()
    assert page.evaluate(background) != light
    owner.refresh_from_db()
    assert owner.theme == "system"

    # The API docs follow too, in Swagger UI's own dark theme.
    page.goto(page.base + "/api/docs/")
    page.locator(".swagger-ui .info").wait_for()
    assert "dark-mode" in page.locator("html").get_attribute("class")
    assert page.evaluate(background) == "rgb(28, 32, 34)"
    page.screenshot(path=str(SCREENSHOTS / "writing-api-docs-dark.png"))


def test_signed_in_language_switch_saves_the_users_language(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/new/")
    page.get_by_role("group", name="Language").get_by_role("button", name="Polski").click()
    page.wait_for_url(page.base + "/diary/new/")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.locator("h1").inner_text() == "Nowy wpis"
    owner.refresh_from_db()
    assert owner.language == "pl"
    shots(page, "editor-pl")
    page.goto(page.base + "/")
    assert page.get_by_role("button", name="dobrze").is_visible()
    assert page.locator(".dash-summary").inner_text().startswith("Witaj. Pierwszy wpis")
    shots(page, "dashboard-pl")
    page.get_by_role("group", name="Język").get_by_role("button", name="English").click()
    owner.refresh_from_db()
    assert owner.language == "en"


def test_new_entry_is_in_the_menu_and_on_the_n_key_except_while_typing(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/")
    assert page.get_by_role("navigation", name="Main").first.get_by_role("link", name="New entry").is_visible()
    page.get_by_label("Search").focus()
    page.keyboard.press("n")
    assert page.get_by_label("Search").input_value() == "n" and page.url.endswith("/diary/")
    page.locator("h1").click()
    page.keyboard.press("n")
    page.wait_for_url(page.base + "/diary/new/")
    page.keyboard.type("nice")  # the editor has the focus: the key is a letter again
    assert page.get_by_label("Entry", exact=True).input_value() == "nice"


def test_sign_up_shows_it_is_busy_and_cannot_be_sent_twice(page):
    page.goto(page.base + "/accounts/signup/")
    page.get_by_label("Username").fill("busy")
    page.get_by_label("Email").fill("busy@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    # Two presses in a row, the second before the first is answered: one is sent, and the button says it is busy.
    page.evaluate("window.sent = 0; document.addEventListener('submit', (e) => { if (!e.defaultPrevented) sent++; })")
    busy, sent = page.evaluate(
        """() => {
        const form = document.querySelector("main form[data-busy]");
        const button = form.querySelector("button[type=submit]");
        button.click();
        const busy = button.getAttribute("aria-busy");
        button.click();
        return [busy, window.sent];
      }"""
    )
    assert (busy, sent) == ("true", 1)
    page.wait_for_url(page.base + "/")


def test_good_and_great_days_have_distinct_colours_in_the_calendar(page, owner):
    from django.utils import timezone

    today = timezone.now()
    EntryFactory(user=owner, mood=4, created_at=today.replace(day=1, hour=12))
    EntryFactory(user=owner, mood=5, created_at=today.replace(day=2, hour=12))
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/calendar/")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        colours = [
            page.locator(f".cal-mood-{mood}").first.evaluate("el => getComputedStyle(el).borderTopColor")
            for mood in (4, 5)
        ]
        red_green_blue = [[int(c) for c in re.findall(r"\d+", colour)[:3]] for colour in colours]
        # Good is green, great is blue: far apart, not two shades of one green.
        assert red_green_blue[0][1] > red_green_blue[0][2] and red_green_blue[1][2] > red_green_blue[1][1], colours


def test_the_prompt_is_written_about_or_swapped_in_one_tap_and_starters_fill_the_page(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/new/")
    first = page.locator("[data-prompt]").inner_text()
    page.locator("[data-prompt-next]").click()
    second = page.locator("[data-prompt]").inner_text()
    assert second != first and second in [str(p) for p in PROMPTS]
    assert page.url.endswith("/diary/new/")  # swapped in place
    page.locator("[data-prompt-write]").click()
    assert page.locator("textarea[name=content]").input_value() == f"## {second}\n\n"
    page.locator(".template-links a.tag").first.click()
    assert "## Three good things" in page.locator("textarea[name=content]").input_value()
    assert page.js_errors == []


def test_the_preview_shows_the_text_as_the_entry_page_will(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/diary/new/")
    page.fill("textarea[name=content]", "## A heading\n\nSome **bold** words.")
    page.locator("[data-preview-toggle]").click()
    pane = page.locator("[data-preview]")
    pane.locator("h3").wait_for()  # "##" is an h3 on the entry page too (its title is the h1)
    assert pane.locator("h3").inner_text() == "A heading" and pane.locator("strong").inner_text() == "bold"
    assert not page.locator("textarea[name=content]").is_visible()
    assert page.locator("[data-preview-toggle]").get_attribute("aria-pressed") == "true"
    assert_accessible(page)
    page.locator("[data-preview-toggle]").click()
    assert page.locator("textarea[name=content]").is_visible() and not pane.is_visible()
    assert page.js_errors == []
