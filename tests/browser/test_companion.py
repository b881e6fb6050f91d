"""The companion in a real browser: a conversation in each mode, with the offline provider."""

import pytest

from conversations.models import ConversationHistory
from tests.browser.conftest import signed_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODES = {"supportive": "Supportive", "reflective": "Reflective", "coaching": "Coaching", "gratitude": "Gratitude"}


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.AI_PROVIDER = "offline"


def test_a_conversation_in_each_mode_is_answered_and_kept(page, owner):
    signed_in_as(page, owner)
    for code, name in MODES.items():
        page.goto(page.base + "/chat/")
        page.get_by_role("link", name=name, exact=True).click()
        assert page.locator("h1").inner_text() == name
        page.get_by_label("Your message").fill(f"A long week; this is for {code}.")
        page.get_by_role("button", name="Send").click()
        log = page.get_by_role("log", name="Conversation")
        log.locator(".bubble-assistant").first.wait_for()
        assert log.locator(".bubble-user .bubble-text").inner_text() == f"A long week; this is for {code}."
        assert log.locator(".bubble-assistant .bubble-text").inner_text().strip()
        # The box is ready for the next message, and the empty-state text is gone.
        assert page.get_by_label("Your message").input_value() == ""
        assert not page.locator(".chat-empty").is_visible()

    # Each mode keeps its own history, shown again after a reload and on the index.
    for code in MODES:
        assert ConversationHistory.objects.filter(user=owner, mode=code).count() == 2
    page.reload()
    assert page.locator(".bubble").count() == 2
    page.goto(page.base + "/chat/")
    assert page.locator(".mode-last").count() == 4
    assert page.js_errors == []


def test_clearing_a_history_asks_first_and_says_so(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/chat/coaching/")
    page.get_by_label("Your message").fill("Too much to do.")
    page.get_by_role("button", name="Send").click()
    page.locator(".bubble-assistant").first.wait_for()

    page.locator(".chat-clear summary").click()
    page.get_by_role("button", name="Yes, clear history").click()
    assert "The conversation was cleared." in page.locator(".messages").inner_text()
    assert page.locator(".bubble").count() == 0
    assert page.locator(".chat-empty").is_visible()
    assert not ConversationHistory.objects.filter(user=owner).exists()


def test_an_empty_message_is_refused_beside_the_box(page, owner):
    signed_in_as(page, owner)
    page.goto(page.base + "/chat/reflective/")
    page.get_by_role("button", name="Send").click()
    page.locator("#compose-errors .field-error").wait_for()
    assert page.get_by_label("Your message").is_visible()
    assert not ConversationHistory.objects.exists()
