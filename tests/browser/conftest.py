"""Browser tests: Playwright driving Debian's Chromium against a live server.

No browser is downloaded; /usr/bin/chromium comes from `apt-get install chromium`
(.ci/run installs it). Without it the tests are skipped locally, but CI sets
REQUIRE_BROWSER=1 so a missing browser fails instead.
"""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing: apt-get install chromium")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: Playwright's sync API keeps an event loop
    # running in this thread while it is open, which would break any later
    # test that calls asyncio.run().
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """A browser fetches quickly and a test clicks faster than a person: 60 a minute is for people."""
    settings.RATE_LIMIT_PER_MINUTE = 100_000


def open_page(browser, live_server, **options):
    """A fresh browser context (its own cookies) and a page in it, collecting script errors."""
    # bypass_csp lets the axe audit script be injected; the pages' own CSP is
    # checked by the header tests, not here.
    options = {"viewport": DESKTOP, "locale": "en-US", **options}
    context = browser.new_context(bypass_csp=True, **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return page


@pytest.fixture
def page(browser, live_server):
    page = open_page(browser, live_server)
    yield page
    page.context.close()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto(page.base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def signed_in_as(page, user) -> None:
    """Start the page's session as `user` without the sign-in form (faster; the form has its own tests)."""
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.base}])


def tab_to(page, selector: str, limit: int = 80) -> int:
    """Press Tab until the focused element matches `selector`; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"Tab never reached {selector} in {limit} presses")


def assert_focus_visible(page) -> None:
    """The focused control shows a focus ring: its own, or its label's when the input is drawn by the label."""
    visible = page.evaluate(
        """() => {
        const el = document.activeElement;
        const ring = (e) => {
          const s = getComputedStyle(e);
          return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none";
        };
        if (ring(el)) return true;
        const label = el.id && document.querySelector(`label[for="${el.id}"]`);
        return !!label && ring(label);
      }"""
    )
    assert visible, page.evaluate("document.activeElement.outerHTML.slice(0, 200)")


def assert_fits_width(page) -> None:
    """Nothing sticks out sideways: the page never scrolls horizontally."""
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide at {width}px"


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=1)


def screenshot(page, name: str, *, phone: dict = PHONE, checked: bool = False) -> None:
    """Save the page at desktop and phone width, light and dark, under var/screenshots/; with `checked`, each
    one checked by axe first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", phone)):
        page.set_viewport_size(size)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            if checked:
                assert_accessible(page)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}-{scheme}.png"), full_page=True)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(original)


def checked_screenshots(page, name: str, phone: dict) -> None:
    """As `screenshot`, at `phone` width, each page checked by axe first."""
    screenshot(page, name, phone=phone, checked=True)
