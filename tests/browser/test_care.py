"""Help that is seen: the newest message in view above the box, the help panel in view after a message that
shows a sign of crisis, and the help lines under such an entry; phone and desktop, both languages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations.tests.factories import MessageFactory
from diary.tests.factories import EntryFactory
from tests.browser.conftest import SCREENSHOTS, assert_accessible, open_page, signed_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SIZES = [("phone", PHONE), ("desktop", DESKTOP)]
CRISIS = {"en": "I don't want to be here anymore.", "pl": "Nie widzę sensu życia."}
ORDINARY = {"en": "Work was long, but the walk home was nice.", "pl": "Praca była długa, ale spacer do domu był miły."}
LINES = {"en": "Samaritans", "pl": "800 70 2222"}
ZONES = {"en": "Europe/London", "pl": "Europe/Warsaw"}


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.AI_PROVIDER = "offline"


def _history(user, mode: str, count: int) -> None:
    start = timezone.now() - timedelta(hours=2)
    for i in range(count):
        message = MessageFactory(user=user, mode=mode, role="user", status="answered",
                                 content=f"An earlier note, number {i}, about an ordinary day.",
                                 created_at=start + timedelta(minutes=2 * i))
        MessageFactory(user=user, mode=mode, role="assistant", reply_to=message,
                       content="Thank you for telling me about it. What stayed with you from it?",
                       created_at=start + timedelta(minutes=2 * i, seconds=5))


def _boxes(page) -> dict:
    return page.evaluate(
        """() => {
        const r = (e) => { if (!e) return null; const b = e.getBoundingClientRect();
                           return {top: b.top, bottom: b.bottom, height: b.height}; };
        const log = document.querySelector('#messages');
        const exchanges = log.querySelectorAll('.exchange');
        const last = exchanges[exchanges.length - 1];
        const parts = last ? last.querySelectorAll('.bubble, .reply-status') : [];
        const panel = document.querySelector('#care-panel');
        return {newest: r(parts[parts.length - 1]), compose: r(document.querySelector('#compose')),
                panel: r(panel), panelOpen: !!(panel && panel.open), viewport: window.innerHeight};
      }"""
    )


def _assert_newest_in_view(boxes) -> None:
    newest, compose = boxes["newest"], boxes["compose"]
    ceiling = boxes["panel"]["bottom"] if boxes["panelOpen"] else 0
    assert newest["bottom"] <= compose["top"] + 1, boxes  # not behind the message box
    assert newest["top"] >= ceiling - 1, boxes  # not behind the help panel or above the screen


def _send(page, text: str) -> None:
    page.fill("#compose textarea", text)
    count = page.locator("#messages .exchange").count()
    page.click("#compose button[type=submit]")
    page.wait_for_function("(n) => document.querySelectorAll('#messages .exchange').length > n", arg=count)
    page.wait_for_timeout(150)


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize(("size_name", "size"), SIZES)
def test_the_newest_message_is_in_view_on_opening_and_after_each_send(browser, live_server, owner, language,
                                                                       size_name, size):
    owner.language, owner.timezone = language, ZONES[language]
    owner.save()
    _history(owner, "supportive", 15)
    page = open_page(browser, live_server, viewport=size, locale="pl-PL" if language == "pl" else "en-US")
    signed_in_as(page, owner)
    page.goto(page.base + "/chat/supportive/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)
    _assert_newest_in_view(_boxes(page))
    assert page.evaluate("window.scrollY") > 0  # it opened at the newest exchange, not at the oldest

    _send(page, ORDINARY[language])
    boxes = _assert_and_return(page)
    assert not boxes["panelOpen"]
    # The one-line note is at the top of the conversation, above the messages, never under the box.
    assert page.locator("#care-panel summary").is_visible() or page.evaluate("window.scrollY") > 0
    assert page.evaluate(
        "document.querySelector('#care-panel').compareDocumentPosition(document.querySelector('#compose'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert page.js_errors == []
    page.context.close()


def _assert_and_return(page) -> dict:
    boxes = _boxes(page)
    _assert_newest_in_view(boxes)
    return boxes


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize(("size_name", "size"), SIZES)
def test_a_message_in_crisis_opens_the_help_panel_in_view_with_the_reply(browser, live_server, owner, language,
                                                                          size_name, size):
    owner.language, owner.timezone = language, ZONES[language]
    owner.save()
    _history(owner, "coaching", 8)
    page = open_page(browser, live_server, viewport=size, locale="pl-PL" if language == "pl" else "en-US")
    signed_in_as(page, owner)
    page.goto(page.base + "/chat/coaching/")
    _send(page, CRISIS[language])
    boxes = _assert_and_return(page)
    assert boxes["panelOpen"]
    panel = boxes["panel"]
    assert panel["top"] >= -1 and panel["bottom"] <= boxes["viewport"], boxes  # the panel is on the screen
    assert LINES[language] in page.locator("#care-panel").inner_text()
    assert LINES[language] in page.locator("#messages .exchange").last.inner_text()  # and in the reply
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"care-chat-{language}-{size_name}.png"))
    # Opened again later, the page shows the panel open and the newest exchange.
    page.reload()
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)
    boxes = _assert_and_return(page)
    assert boxes["panelOpen"]
    assert_accessible(page)
    assert page.js_errors == []
    page.context.close()


@pytest.mark.parametrize("language", ["en", "pl"])
def test_an_entry_in_crisis_shows_its_help_lines_quietly_with_a_way_to_talk(browser, live_server, owner, language):
    owner.language, owner.timezone = language, ZONES[language]
    owner.save()
    entry = EntryFactory(user=owner, title="", content=CRISIS[language])
    plain = EntryFactory(user=owner, title="", content=ORDINARY[language])
    page = open_page(browser, live_server, viewport=PHONE, locale="pl-PL" if language == "pl" else "en-US")
    signed_in_as(page, owner)
    page.goto(page.base + f"/diary/{plain.pk}/")
    assert page.locator(".entry-care").count() == 0
    page.goto(page.base + f"/diary/{entry.pk}/")
    care = page.locator(".entry-care")
    assert LINES[language] in care.inner_text()
    care.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"care-entry-{language}-phone.png"), full_page=True)
    care.locator("a").click()
    page.wait_for_url("**/chat/supportive/**")
    assert_accessible(page)
    page.context.close()
