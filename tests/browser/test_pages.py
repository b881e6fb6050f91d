"""Every main page, signed out and in: no serious or critical axe-core violation in the light and the
dark theme, nothing wider than a 360 px phone, no script error, and screenshots under var/screenshots/.

One test per audience walks all of its pages and reports every problem at once.
"""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tests.factories import UserFactory
from conversations.tests.factories import MessageFactory
from diary.models import ImportJob
from diary.tests.factories import EntryFactory
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_fits_width,
    axe_violations,
    open_page,
    screenshot,
    signed_in_as,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_ENTRY = """We drove to the coast before sunrise. The road was empty and the radio kept losing the station.

## What I noticed

- the light on the water, **silver** first and then _gold_
- how quiet everyone was in the car
- that I did not check my phone for three hours

> Rest is not a reward for finishing. It is part of the work.

I want to remember this feeling the next time a week gets away from me."""


def audit(page, name: str, problems: dict, *, phone: bool = True) -> None:
    """Check the page as it stands, in both themes, and photograph it."""
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found += [{**v, "theme": scheme} for v in axe_violations(page)]
    if phone:
        page.set_viewport_size(PHONE)
        try:
            assert_fits_width(page)
        except AssertionError as exc:
            found.append({"id": "horizontal-scroll", "detail": str(exc)})
        page.emulate_media(color_scheme="light")
        found += [{**v, "theme": "light", "width": PHONE["width"]} for v in axe_violations(page)]
        page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="light")
    if page.js_errors:
        found.append({"id": "script-error", "detail": list(page.js_errors)})
        page.js_errors.clear()
    if found:
        problems[name] = found
    screenshot(page, name)


def visit(page, path: str, *, status: int = 200):
    response = page.goto(page.base + path)
    assert response.status == status, f"{path}: {response.status}"
    return response


def test_pages_for_visitors(page, owner):
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    token = default_token_generator.make_token(owner)
    problems: dict = {}
    for name, path, status in [
        ("landing", "/", 200),
        ("sign-in", "/accounts/login/", 200),
        ("sign-up", "/accounts/signup/", 200),
        ("password-reset", "/accounts/password/reset/", 200),
        ("password-reset-sent", "/accounts/password/reset/sent/", 200),
        ("password-reset-bad-link", "/accounts/password/reset/MQ/set-password/", 200),
        ("password-reset-new", f"/accounts/password/reset/{uid}/{token}/", 200),
        ("password-reset-done", "/accounts/password/reset/complete/", 200),
        ("not-found", "/no-such-page/", 404),
    ]:
        visit(page, path, status=status)
        audit(page, name, problems)

    # Inline errors: the sign-up form sent empty.
    visit(page, "/accounts/signup/")
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    assert page.locator(".field-error").count() >= 3
    audit(page, "sign-up-errors", problems, phone=False)
    assert not problems, json.dumps(problems, indent=1)


@pytest.fixture
def journal(owner):
    """An owner with a few weeks of writing, conversations and a finished import."""
    now = timezone.now()
    EntryFactory(user=owner, title="A day by the sea", content=LONG_ENTRY, mood=5, emotion_tags=["calm", "grateful"],
                 created_at=now - timedelta(hours=1))
    moods = [3, 2, 4, 1, 5, 4, 3, 2, 4, 5, 3, 4]
    tags = [["tired"], ["stressed", "anxious"], ["hopeful"], ["sadness"], ["joy", "proud"], ["content"]]
    for day, mood in enumerate(moods, start=1):
        EntryFactory(user=owner, title=f"Evening notes {day}", mood=mood, emotion_tags=tags[day % len(tags)],
                     content="Work, a walk by the river, and an early night. " * (day % 4 + 1),
                     created_at=now - timedelta(days=day * 2))
    EntryFactory(user=owner, title="", content="No title and no mood.", mood=None, emotion_tags=[],
                 created_at=now - timedelta(days=370))
    for mode in ("supportive", "gratitude"):
        question = MessageFactory(user=owner, mode=mode, content="The week was long, but I slept well last night.",
                                  created_at=now - timedelta(minutes=30))
        MessageFactory(user=owner, mode=mode, role="assistant", reply_to=question,
                       content="That sounds like a relief. What helped you rest?",
                       created_at=now - timedelta(minutes=29))
    job = ImportJob.objects.create(user=owner, status=ImportJob.Status.DONE, file_format="dayone", total=12,
                                   processed=12, created_count=10, skipped_count=2, finished_at=now)
    return {"entry": owner.diary_entries.order_by("-created_at").first(), "import": job}


def test_pages_for_a_signed_in_writer(page, owner, journal):
    signed_in_as(page, owner)
    entry = journal["entry"].pk
    problems: dict = {}
    for name, path, status in [
        ("dashboard", "/", 200),
        ("diary", "/diary/", 200),
        ("diary-search", "/diary/?q=river", 200),
        ("diary-tag", "/diary/?tag=calm&mood=5", 200),
        ("diary-no-match", "/diary/?q=volcano", 200),
        ("diary-bad-filter", "/diary/?from=yesterday", 400),
        ("entry", f"/diary/{entry}/", 200),
        ("entry-new", "/diary/new/", 200),
        ("entry-edit", f"/diary/{entry}/edit/", 200),
        ("entry-delete", f"/diary/{entry}/delete/", 200),
        ("calendar", "/diary/calendar/", 200),
        ("insights", "/insights/", 200),
        ("insights-year", "/insights/?days=365", 200),
        ("companion", "/chat/", 200),
        ("companion-supportive", "/chat/supportive/", 200),
        ("companion-reflective", "/chat/reflective/", 200),
        ("companion-coaching", "/chat/coaching/", 200),
        ("companion-gratitude", "/chat/gratitude/", 200),
        ("companion-clear", "/chat/gratitude/clear/", 200),
        ("settings", "/settings/", 200),
        ("templates", "/diary/templates/", 200),
        ("password-change", "/accounts/password/change/", 200),
        ("import", "/settings/import/", 200),
        ("import-progress", f"/settings/import/{journal['import'].pk}/", 200),
        ("delete-account", "/settings/delete/", 200),
        ("not-found-signed-in", "/diary/999999/", 404),
    ]:
        visit(page, path, status=status)
        audit(page, name, problems)

    # The phone menu, open.
    page.set_viewport_size(PHONE)
    visit(page, "/diary/")
    page.locator("summary.nav-menu-button").click()
    found = axe_violations(page)
    if found:
        problems["phone-menu"] = found
    page.screenshot(path=str(page_path("phone-menu")), full_page=False)
    page.set_viewport_size(DESKTOP)

    # Inline errors in the editor and in the danger zone.
    visit(page, f"/diary/{entry}/edit/")
    page.get_by_label("Entry", exact=True).fill("")
    page.locator("label.mood-option", has_text="not set").click()  # with a mood it would be a check-in
    page.get_by_role("button", name="Save", exact=True).click()
    audit(page, "entry-edit-errors", problems, phone=False)
    visit(page, "/settings/delete/")
    page.get_by_role("button", name="Delete my account and everything in it").click()
    audit(page, "delete-account-errors", problems, phone=False)
    assert not problems, json.dumps(problems, indent=1)


def page_path(name: str):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_pages_for_a_new_writer_invite_the_first_entry(page):
    signed_in_as(page, UserFactory(username="newcomer"))
    problems: dict = {}
    for name, path, invitation in [
        ("empty-dashboard", "/", "Write"),
        ("empty-diary", "/diary/", "Write the first entry"),
        ("empty-insights", "/insights/", "Write your first entry"),
        ("empty-calendar", "/diary/calendar/", "Write about today"),
        ("empty-companion-mode", "/chat/reflective/", None),
    ]:
        visit(page, path)
        if invitation:
            assert page.get_by_role("link", name=invitation).is_visible(), name
        audit(page, name, problems, phone=False)
    assert not problems, json.dumps(problems, indent=1)


def test_pages_in_polish_for_a_polish_writer(browser, live_server, journal, owner):
    owner.language = "pl"
    owner.timezone = "Europe/Warsaw"
    owner.save()
    page = open_page(browser, live_server, locale="en-US")
    try:
        signed_in_as(page, owner)
        problems: dict = {}
        for name, path in [
            ("pl-dashboard", "/"),
            ("pl-diary", "/diary/"),
            ("pl-entry-new", "/diary/new/"),
            ("pl-calendar", "/diary/calendar/"),
            ("pl-insights", "/insights/"),
            ("pl-companion", "/chat/supportive/"),
            ("pl-settings", "/settings/"),
        ]:
            visit(page, path)
            assert page.locator("html").get_attribute("lang") == "pl"
            audit(page, name, problems, phone=False)
        assert not problems, json.dumps(problems, indent=1)
    finally:
        page.context.close()


def test_limit_pages_share_the_error_design(page, owner, settings):
    signed_in_as(page, owner)
    problems: dict = {}
    settings.MAX_BODY_BYTES = 2000
    visit(page, "/diary/new/")
    page.get_by_label("Entry", exact=True).fill("x" * 3000)
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.locator(".error-code").inner_text() == "413"
    assert "The limit is 1 KB" not in page.content() and "The limit is 2000 bytes." in page.content()
    audit(page, "error-413", problems)

    settings.RATE_LIMIT_PER_MINUTE = 1
    page.goto(page.base + "/diary/")
    response = page.goto(page.base + "/diary/")
    assert response.status == 429 and int(response.headers["retry-after"]) > 0
    assert f"Please wait {response.headers['retry-after']} second" in page.locator("main").inner_text()
    audit(page, "error-429", problems)
    assert not problems, json.dumps(problems, indent=1)


def test_closed_sign_up_and_maintenance_pages_share_the_design(page, owner):
    from django.core.management import call_command

    from accounts.models import SignUpMode, SiteSettings

    problems: dict = {}
    SiteSettings.objects.update_or_create(pk=1, defaults={"sign_up": SignUpMode.CLOSED})
    visit(page, "/accounts/signup/", status=403)
    assert "Sign-up is closed" in page.locator("main").inner_text()
    audit(page, "sign-up-closed", problems)
    call_command("maintenance", "on", "--retry-after", "600")
    try:
        response = visit(page, "/accounts/login/", status=503)
        assert response.headers["retry-after"] == "600"
        assert page.locator("h1").inner_text() == "The journal is being upgraded"
        audit(page, "maintenance", problems)
    finally:
        call_command("maintenance", "off")
    assert not problems, json.dumps(problems, indent=1)
