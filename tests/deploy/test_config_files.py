"""The shipped configuration agrees with the journal's own limits and starts a production site."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


SITE = DEPLOY / "nginx" / "journal.conf"


def tls_server() -> tuple[str, list[tuple[str, str, str]]]:
    """The HTTPS server block of the site: its own directives, and its locations (modifier, pattern, body)."""
    text = re.sub(r"#[^\n]*", "", SITE.read_text())
    block = text[text.index("listen 443"):]
    locations = re.findall(r"^\s*location\s+(=|~|~\*|\^~)?\s*(\S+)\s*\{([^{}]*)\}", block, re.M)
    own = re.sub(r"^\s*location\s[^{]*\{[^{}]*\}", "", block, flags=re.M)
    return own, locations


def directives(text: str, name: str) -> list[str]:
    return [value.strip() for value in re.findall(rf"^\s*{name}\s+([^;]+);", text, re.M)]


def size_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", value.lower()).groups()
    return int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit]


def seconds(value: str) -> int:
    return int(value.removesuffix("s"))


def body_limit_for(path: str) -> int:
    """client_max_body_size for a request to `path`, choosing the location as nginx does: an exact match,
    else the regular expressions in order, else the longest prefix (^~ stops before the expressions)."""
    own, locations = tls_server()
    [default] = directives(own, "client_max_body_size")
    chosen = next((body for modifier, pattern, body in locations if modifier == "=" and pattern == path), None)
    if chosen is None:
        prefixes = [(pattern, modifier, body) for modifier, pattern, body in locations
                    if modifier in ("", "^~") and path.startswith(pattern)]
        longest = max(prefixes, key=lambda found: len(found[0]), default=None)
        if longest and longest[1] == "^~":
            chosen = longest[2]
        else:
            chosen = next((body for modifier, pattern, body in locations
                           if modifier in ("~", "~*") and re.search(pattern, path, re.I if modifier == "~*" else 0)),
                          longest[2] if longest else None)
    assert chosen is not None, f"no location of the site takes {path}"
    return size_bytes((directives(chosen, "client_max_body_size") or [default])[0])


def test_nginx_takes_what_the_journal_takes_on_each_route_and_little_more():
    """The journal's limits (journal_site/middleware/body_size.py), route by route: nginx lets each body the
    journal accepts through, with room for the envelope, and refuses a larger one before reading it."""
    from django.conf import settings
    from django.urls import reverse

    from journal_site.middleware.body_size import IMPORT_ROUTES, PHOTO_ENVELOPE_BYTES, PHOTO_ROUTES

    envelope = 2**20  # nginx counts the whole body; the journal's limits are on the file
    expected = {reverse(name): settings.IMPORT_MAX_BYTES for name in IMPORT_ROUTES}
    for name in PHOTO_ROUTES:
        for entry_id in (1, 987654321):
            expected[reverse(name, args=[entry_id])] = settings.PHOTO_MAX_BYTES + PHOTO_ENVELOPE_BYTES
    for other in ("/", "/diary/new/", "/api/v1/entries/", "/api/v1/entries/5/", "/diary/5/",
                  "/diary/5/photos/reorder/", "/api/v1/entries/5/attachments/7/", "/accounts/login/",
                  "/settings/import/5/", "/api/v1/import/5/", "/x/settings/import/", "/diary/5a/photos/"):
        expected[other] = settings.MAX_BODY_BYTES
    assert len(expected) == 18
    for path, journal_limit in expected.items():
        limit = body_limit_for(path)
        assert journal_limit < limit <= journal_limit + envelope, (path, limit, journal_limit)


def test_every_location_passes_requests_on_with_the_same_settings():
    """The proxy settings are the server's, inherited by every location: a location with a proxy_set_header
    of its own would drop all the others (Host, X-Forwarded-For) there."""
    from django.conf import settings

    own, locations = tls_server()
    assert len(locations) == 3
    for _modifier, pattern, body in locations:
        names = re.findall(r"^\s*(\w+)\s", body, re.M)
        assert set(names) <= {"proxy_pass", "client_max_body_size"}, (pattern, names)
        assert directives(body, "proxy_pass") == ["http://journal_app"], pattern
    assert seconds(directives(own, "proxy_read_timeout")[0]) > settings.REQUEST_TIMEOUT_SECONDS
    assert directives(own, "proxy_request_buffering") == ["on"]
    assert "Host $http_host" in directives(own, "proxy_set_header")
    assert "X-Forwarded-For $remote_addr" in directives(own, "proxy_set_header")
    assert not re.search(r"^\s*include\s+proxy_params", SITE.read_text(), re.M)


def test_nginx_accepts_the_site(tmp_path):
    """nginx -t on the shipped site, with only its addresses and certificate changed (as the live test runs it)."""
    from tests.deploy.conftest import require_tool
    from tests.live.test_nginx import main_config, site_for_test

    nginx, openssl = require_tool("nginx", "nginx"), require_tool("openssl", "openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    site = tmp_path / "journal.conf"
    site.write_text(site_for_test(http_port=8080, https_port=8443, upstream="127.0.0.1:8000", cert=cert, key=key))
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / kind).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(main_config(tmp_path, site))
    checked = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True,
                             timeout=30)
    assert checked.returncode == 0, checked.stderr
    site.write_text(site.read_text().replace("client_max_body_size 21m;", "client_max_body_size 21m"))
    broken = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True,
                            timeout=30)
    assert broken.returncode != 0  # the check above can fail


def test_the_example_environment_file_starts_a_production_site(tmp_path):
    values = {}
    for line in (DEPLOY / "journal.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", name) and not value.startswith(("'", '"')), line
            assert "$" not in value, line  # the shell in journal-manage would expand it
            values[name] = value
    assert values["DJANGO_ENV"] == "production" and values["SITE_URL"].startswith("https://")
    assert values["IMPORT_MAX_BYTES"] == "26214400" and values["REQUEST_TIMEOUT_SECONDS"] == "30"
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**keep, **values, "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "security." not in result.stdout + result.stderr, result.stdout + result.stderr  # no deploy warning


def test_the_example_environment_file_names_every_photo_setting():
    """Each ATTACHMENTS_* and PHOTO_* variable the settings read is in the example, commented out."""
    settings_file = (ROOT / "journal_site" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"((?:ATTACHMENTS|PHOTO)_\w+)"', settings_file))
    assert len(read) >= 10, read
    example = (DEPLOY / "journal.env.example").read_text()
    for name in read:
        assert re.search(rf"^#{name}=", example, re.M), name


def test_journal_manage_runs_manage_py_with_the_environment_file(tmp_path):
    """deploy/journal-manage as root, with the example file: the settings it loads are production's."""
    if os.geteuid() != 0:
        pytest.skip("runuser needs root")
    env_file = tmp_path / "journal.env"
    example = (DEPLOY / "journal.env.example").read_text()
    env_file.write_text(example.replace("VAR_DIR=/var/lib/journal", f"VAR_DIR={tmp_path}"))
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "TMPDIR")}
    result = subprocess.run(
        [str(DEPLOY / "journal-manage"), "shell", "--no-imports", "-c",
         "from django.conf import settings; print(settings.DJANGO_ENV, settings.SITE_URL, settings.VAR_DIR)"],
        env={**keep, "ENV_FILE": str(env_file), "APP_DIR": str(ROOT), "RUN_AS": "root"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["production", "https://journal.example.com", str(tmp_path)]
