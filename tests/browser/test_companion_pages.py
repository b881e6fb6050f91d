"""The companion page in a real browser: replies in its own words, the box pinned to the bottom of the
screen, a heading per day, and a conversation kept as a diary entry; English and Polish, phone and desktop."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from conversations import phrases
from conversations.tests.factories import MessageFactory
from diary.models import DiaryEntry
from tests.browser.conftest import assert_accessible, assert_fits_width, open_page, signed_in_as
from tests.browser.test_reading import PHONE_390, shots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {"box": "Your message", "send": "Send", "save": "Save to diary",
           "yesterday": "Yesterday", "saved": "The conversation is saved in your diary.",
           "good": "My daughter Zosia made me breakfast today and it was lovely."},
    "pl": {"box": "Twoja wiadomość", "send": "Wyślij", "save": "Zapisz w dzienniku",
           "yesterday": "Wczoraj", "saved": "Rozmowa jest zapisana w Twoim dzienniku.",
           "good": "Córka Zosia zrobiła mi dziś śniadanie, było bardzo miło."},
}


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.AI_PROVIDER = "offline"


def _yesterday(user, mode, count):
    # Noon of yesterday in the user's zone, so the messages never run past midnight.
    start = timezone.localtime(timezone.now(), ZoneInfo(user.timezone)).replace(hour=12, minute=0) - timedelta(days=1)
    for i in range(count):
        message = MessageFactory(user=user, mode=mode, role="user", status="answered",
                                 content=f"Yesterday's note number {i}.", created_at=start + timedelta(minutes=2 * i))
        MessageFactory(user=user, mode=mode, role="assistant", content="What stayed with you from it?",
                       created_at=start + timedelta(minutes=2 * i, seconds=5), reply_to=message)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_gratitude_conversation_reads_naturally_and_is_kept_in_the_diary(browser, live_server, owner, language):
    owner.language = language
    owner.timezone = "Europe/Warsaw"
    owner.save()
    words = TEXT[language]
    with translation.override(language):
        words["today"] = gettext("Today")  # Django's own catalogue may have its say on so common a word
    _yesterday(owner, "gratitude", 12)
    page = open_page(browser, live_server, viewport=PHONE_390, locale="pl-PL" if language == "pl" else "en-US")
    signed_in_as(page, owner)
    page.goto(page.base + "/chat/gratitude/")

    # A heading per day, not a date on every bubble.
    assert page.locator(".chat-day").all_inner_texts() == [words["yesterday"]]
    assert "," not in page.locator(".bubble-meta").first.inner_text()

    # The box is on screen even when the conversation is longer than the screen.
    page.evaluate("window.scrollTo(0, 0)")
    box = page.get_by_label(words["box"]).bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE_390["height"]

    page.get_by_label(words["box"]).fill(words["good"])
    page.get_by_role("button", name=words["send"]).click()
    reply_bubble = page.locator(".bubble-assistant").last
    page.locator(".chat-day").nth(1).wait_for()
    page.wait_for_function("document.querySelectorAll('.bubble-assistant').length === 13")
    reply = reply_bubble.locator(".bubble-text").inner_text()
    # Received, not asked for again, and no quote of the user's words.
    assert any(ack in reply for ack in phrases.GRATITUDE_RECEIVED[language]), reply
    assert not any(question in reply for question in phrases.GRATITUDE_STEPS[language][0]), reply
    assert "Zosia" not in reply
    assert page.locator(".chat-day").all_inner_texts() == [words["yesterday"], words["today"]]

    # A second message today adds no second "Today".
    page.get_by_label(words["box"]).fill("Sun.")
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_function("document.querySelectorAll('.bubble-assistant').length === 14")
    assert page.locator(".chat-day").all_inner_texts() == [words["yesterday"], words["today"]]
    page.evaluate("window.scrollTo(0, 0)")
    box = page.get_by_label(words["box"]).bounding_box()
    assert box["y"] + box["height"] <= PHONE_390["height"]
    assert_fits_width(page)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(PHONE_390)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(_shot_path(f"uxread-chat-sticky-{language}-phone-light")))
    shots(page, f"uxread-chat-{language}")

    # Keep it: one press, and the diary has the whole conversation as an entry.
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_url("**/diary/*/")
    assert words["saved"] in page.locator(".messages").inner_text()
    entry = DiaryEntry.objects.get(user=owner)
    assert page.locator("h1").inner_text() == entry.title
    assert words["good"] in entry.content and "Yesterday's note number 0." in entry.content
    assert page.locator(".entry-body h3").count() == 2  # a heading for each day
    assert_accessible(page)
    shots(page, f"uxread-chat-saved-{language}")
    assert page.js_errors == []
    page.context.close()


def _shot_path(name):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_each_mode_answers_in_its_own_voice_in_the_browser(page, owner):
    signed_in_as(page, owner)
    replies = {}
    for mode in ("supportive", "reflective", "coaching"):
        page.goto(page.base + f"/chat/{mode}/")
        page.get_by_label("Your message").fill("I'm stressed about the deadline and tired.")
        page.get_by_role("button", name="Send").click()
        page.locator(".bubble-assistant").first.wait_for()
        replies[mode] = page.locator(".bubble-assistant .bubble-text").inner_text()
    assert len(set(replies.values())) == 3
    assert any(q in replies["reflective"] for q in phrases.MODE_QUESTIONS["reflective"]["en"])
    assert any(q in replies["coaching"] for q in phrases.MODE_QUESTIONS["coaching"]["en"])
    for reply in replies.values():
        assert "deadline and tired" not in reply
