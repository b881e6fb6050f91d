"""Response headers on every route, and pages that need no inline script or style.

The Content-Security-Policy forbids inline scripts, inline event handlers and
style attributes; these tests render every page, with the owner's data full of
script payloads, and find none of them in the HTML: neither a template that
would break under the policy nor stored text that escaped its escaping.
"""

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from conversations.selectors import Cursor
from conversations.tests.factories import MessageFactory
from tests.security.routes import MARKER, MATRIX, PAYLOAD, body_text, cases, is_api, send, url_for

ROOT = Path(__file__).resolve().parents[2]


class InlineCode(HTMLParser):
    """Collects whatever in a page would run or style without a file of ours."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=...> attribute")
            url = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name in ("href", "src", "action", "formaction", "xlink:href") and url.startswith(
                ("javascript:", "data:text")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            # json_script's data blocks do not run; anything else must come from a file.
            self._inline_script = "src" not in attributes and attributes.get("type") != "application/json"
        if tag == "style":
            self.problems.append("<style> block")
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}> element")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline_script = False

    def handle_data(self, data: str) -> None:
        if self._inline_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:80]!r}")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.problems


def test_the_checker_finds_what_it_looks_for():
    assert len(inline_code(PAYLOAD)) >= 5
    assert (
        inline_code('<script src="/static/js/app.js"></script><script type="application/json">{"a": 1}</script>') == []
    )


# --- Every page, rendered with the owner's data ------------------------------------------------------

SHOWS_THE_PAYLOAD = {"home", "diary:list", "diary:detail", "diary:edit", "diary:delete", "conversations:mode"}
DOWNLOADS = {"portability:export"}  # a file to save, not a page
FORGED_LINKS = {"accounts:email_change_undo", "accounts:email_change_confirm"}  # the matrix's links are forged: 400
PAGE_GETS = [
    pytest.param(name, id=name)
    for name, route in MATRIX.items()
    if not is_api(name) and "GET" in route.methods and name not in DOWNLOADS
] + [pytest.param("api-docs", id="api-docs")]
EXTRA_PAGES = [
    "/?tab=today",
    "/diary/?q=script",
    "/diary/?tag=joy",
    "/diary/calendar/?month=2020-01",
    "/insights/?days=365",
    "/admin/accounts/user/",
    "/admin/accounts/user/{owner}/change/",
    "/admin/login/",
]


def who_asks(name: str, owner, admin_user) -> Client:
    client = Client()
    if name.startswith(("admin", "overview:status")):
        client.force_login(admin_user)
    elif MATRIX[name].access != "public" or name == "home":
        client.force_login(owner)
    return client


def assert_clean_page(response) -> None:
    html = body_text(response)
    assert inline_code(html) == [], response.request["PATH_INFO"]
    assert "<script>alert" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_GETS)
def test_page_has_no_inline_script_or_style_even_with_script_in_the_data(name, owner, owner_data, admin_user):
    client = who_asks(name, owner, admin_user)
    response = send(client, name, "GET", url_for(name, owner_data))
    assert response.status_code in ((400,) if name in FORGED_LINKS else (200, 302)), name
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert_clean_page(response)
    if name in SHOWS_THE_PAYLOAD:  # the data was there to escape
        assert MARKER in body_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", EXTRA_PAGES)
def test_other_views_of_the_data_have_no_inline_script(path, owner, owner_data, admin_user):
    client = Client()
    client.force_login(admin_user if path.startswith("/admin/") and "login" not in path else owner)
    response = client.get(path.format(owner=owner.pk))
    assert response.status_code == 200
    assert_clean_page(response)


@pytest.mark.django_db
def test_htmx_fragments_have_no_inline_script(owner, owner_data, owner_client):
    message = owner_data["message"]
    older = MessageFactory.create_batch(40, user=owner, content=PAYLOAD, status="answered")
    for path in (
        f"/chat/supportive/messages/{message.pk}/reply/",
        f"/chat/supportive/older/?before={Cursor.of(older[-1])}",
    ):
        response = owner_client.get(path, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, path
        assert_clean_page(response)


@pytest.mark.django_db
@pytest.mark.parametrize("status_path", ["/diary/999999/", "/no/such/page/"])
def test_error_pages_have_no_inline_script(status_path, owner_client):
    response = owner_client.get(status_path)
    assert response.status_code == 404
    assert_clean_page(response)


# --- Headers --------------------------------------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response) -> None:
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    for source in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in directives[source] and "'unsafe-eval'" not in directives[source]
        assert "*" not in directives[source]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), cases("owned", "private", "admin", "public"))
def test_every_signed_in_response_has_security_headers_and_is_never_stored(name, method, owner, owner_data, admin_user):
    client = who_asks(name, owner, admin_user)
    response = send(client, name, method, url_for(name, owner_data), HTTP_HX_REQUEST="true")
    assert response.status_code < 500
    assert_security_headers(response)
    if client.session.get("_auth_user_id"):  # still signed in (sign-out and account deletion end it)
        assert_kept_only_as_documented(name, response, method)


# A photo's file: its address names its content, so the browser may keep it, privately, until sign-out
# (docs/photos.md); every other signed-in answer is never stored.
KEPT_PRIVATELY = {"diary:photo": "private, max-age=31536000, immutable"}


def assert_kept_only_as_documented(name: str, response, method: str) -> None:
    if name in KEPT_PRIVATELY and response.status_code == 200:
        assert response["Cache-Control"] == KEPT_PRIVATELY[name]
        assert response["X-Content-Type-Options"] == "nosniff"
    else:
        assert "no-store" in response["Cache-Control"], (name, method, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), [case for case in cases("owned", "private") if is_api(case.values[0])])
def test_bearer_responses_are_never_stored(name, method, owner, owner_data, owner_api):
    response = send(owner_api, name, method, url_for(name, owner_data))
    assert response.status_code < 500
    assert_kept_only_as_documented(name, response, method)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/entries/", "/healthz"])
def test_anonymous_responses_carry_the_same_headers(path, client):
    assert_security_headers(client.get(path))


@pytest.mark.django_db
def test_login_page_loads_only_our_own_scripts_and_styles(client):
    html = client.get("/accounts/login/").content.decode()
    for attribute in ('src="http', 'src="//', 'href="http', 'href="//'):
        assert attribute not in html.replace('href="https://', 'href="LINK')


# --- Production ------------------------------------------------------------------------------------------------------

PRODUCTION_PROBE = r"""
import django, json
django.setup()
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import Client, RequestFactory

settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"  # no database in this probe
page = Client().get("/accounts/login/", secure=True, headers={"host": "localhost"})
request = RequestFactory().get("/", secure=True)
middleware = SessionMiddleware(lambda r: HttpResponse())
middleware.process_request(request)
request.session["probe"] = 1
session = middleware.process_response(request, HttpResponse())
plain = Client().get("/accounts/login/", headers={"host": "localhost"})
print(json.dumps({
    "hsts": page.get("Strict-Transport-Security"),
    "csrf": dict(page.cookies["csrftoken"].items()),
    "session": dict(session.cookies[settings.SESSION_COOKIE_NAME].items()),
    "redirect": [plain.status_code, plain.get("Location")],
}))
"""


@pytest.mark.slow
def test_production_sends_hsts_and_secure_http_only_same_site_cookies(tmp_path):
    import json
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_DEBUG")
        and not k.startswith(("DB_POOL_", "PROMETHEUS_MULTIPROC_DIR"))
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="production-probe-" + "x" * 60,
        ENCRYPTION_KEYS="1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=",
        EMAIL_HOST="smtp.example",
        METRICS_TOKEN="scrape-token",
        SITE_URL="https://journal.example",
        VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="journal_site.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert probe["csrf"]["secure"] is True and probe["csrf"]["samesite"] == "Lax"
    session = probe["session"]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"
    assert probe["redirect"] == [301, "https://localhost/accounts/login/"]
