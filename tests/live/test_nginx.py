"""deploy/nginx/journal.conf, as shipped, in front of gunicorn with production settings.

Real nginx with a self-signed certificate made here, real gunicorn, a Celery
worker, PostgreSQL and Redis of the test's own. A browser's path through it:
HTTP moves to HTTPS, sign-in sets Secure/HttpOnly cookies, a form POST passes
the CSRF origin check (Host keeps its port), a 5 MB import goes through to the
worker, a 5 MB photo goes through to its entry while 5 MB to any other route
is refused by nginx itself, the client's address reaches the journal, and
trickling clients hold nginx's connections, never gunicorn's threads.
"""

import base64
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.live.conftest import PASSWORD, create_user
from tests.live.servers import (
    ROOT,
    PrivateRedis,
    Service,
    app_env,
    celery_worker,
    free_port,
    gunicorn,
    manage,
    wait_for,
)

pytestmark = pytest.mark.live
SITE = ROOT / "deploy" / "nginx" / "journal.conf"
METRICS_TOKEN = "nginx-test-metrics-token-5501"


def require(name: str, package: str) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.access(f"/usr/sbin/{name}", os.X_OK) else None)
    if path is None:
        if os.environ.get("CI"):
            raise FileNotFoundError(f"{name} is missing: .ci/run installs {package}")
        pytest.skip(f"{name} is not installed (apt-get install {package})")
    return path


def site_for_test(*, http_port: int, https_port: int, upstream: str, cert: Path, key: Path) -> str:
    """The shipped site with only its addresses, name and certificate changed; each change must apply."""
    text = SITE.read_text()
    replacements = [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server_name journal.example.com;", "server_name localhost;"),
        ("/etc/letsencrypt/live/journal.example.com/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/journal.example.com/privkey.pem", str(key)),
        ("server 127.0.0.1:8000;", f"server {upstream};"),
        # Standard ports need no port in the redirect; the test's do.
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{https_port}$request_uri;"),
        ("access_log /var/log/nginx/journal.access.log journal_redacted;",
         f"access_log {cert.parent / 'journal.access.log'} journal_redacted;"),
    ]
    for old, new in replacements:
        assert old in text, f"deploy/nginx/journal.conf no longer has {old!r}"
        text = text.replace(old, new)
    assert "/var/log/" not in text
    return text


def main_config(tmp: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides around a site, with every path in the test's directory."""
    user = "user root;" if os.geteuid() == 0 else ""  # workers write the buffered bodies into tmp
    temp = "\n".join(
        f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
worker_processes 1;
daemon off;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} info;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp / "access.log"};
{temp}
    include {site};
}}
"""


@dataclass
class Stack:
    origin: str
    http_origin: str
    https_port: int
    cert: Path
    gunicorn_base: str
    tmp: Path


@pytest.fixture(scope="module")
def stack(postgres, tmp_path_factory):
    nginx = require("nginx", "nginx")
    openssl = require("openssl", "openssl")
    tmp = tmp_path_factory.mktemp("nginx")
    http_port, https_port = free_port(), free_port()
    origin = f"https://localhost:{https_port}"

    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )

    redis = PrivateRedis().start()
    env = app_env(
        tmp,
        DATABASE_URL=postgres.create_database("jnginx"),
        REDIS_URL=redis.url(),
        DJANGO_ENV="production",
        ENCRYPTION_KEYS="1:" + base64.b64encode(b"nginx-live-test-key-of-32-bytes!").decode(),
        SITE_URL=origin,
        ALLOWED_HOSTS="localhost,127.0.0.1",
        TRUSTED_PROXIES="127.0.0.1",
        METRICS_TOKEN=METRICS_TOKEN,
        # Production trusts no address for /metrics unless told: Prometheus on this host.
        METRICS_ALLOWED_IPS="127.0.0.1,::1",
        EMAIL_HOST="127.0.0.1",
        RATE_LIMIT_PER_MINUTE="100000",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    create_user(env, "alice")
    # Four threads: few enough that four trickling clients would take them all.
    web, gunicorn_base = gunicorn(env, tmp, workers=1, threads=4)
    worker = celery_worker(env, tmp, "imports")

    site = tmp / "journal.conf"
    upstream = gunicorn_base.removeprefix("http://")
    site.write_text(site_for_test(http_port=http_port, https_port=https_port, upstream=upstream, cert=cert, key=key))
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / kind).mkdir()
    conf = tmp / "nginx.conf"
    conf.write_text(main_config(tmp, site))
    checked = subprocess.run([nginx, "-t", "-p", str(tmp), "-c", str(conf)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    proxy = Service([nginx, "-p", str(tmp), "-c", str(conf)], env, tmp / "nginx.out").start()
    try:
        wait_for(lambda: requests.get(origin + "/healthz", verify=str(cert), timeout=2).ok, 30, "nginx")
        yield Stack(origin, f"http://localhost:{http_port}", https_port, cert, gunicorn_base, tmp)
    finally:
        proxy.kill(signal.SIGQUIT)
        worker.kill()
        web.kill()
        redis.stop()


def browser(stack: Stack) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would take the place of the test's certificate
    session.verify = str(stack.cert)
    return session


def sign_in(stack: Stack) -> tuple[requests.Session, requests.Response]:
    session = browser(stack)
    session.get(stack.origin + "/accounts/login/", timeout=10).raise_for_status()
    response = session.post(
        stack.origin + "/accounts/login/",
        data={"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        # What a browser sends with a form POST: the page's origin, port included.
        headers={"Origin": stack.origin, "Referer": stack.origin + "/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    return session, response


def set_cookies(response: requests.Response) -> dict[str, str]:
    raw = response.raw.headers.getlist("Set-Cookie")
    return {header.split("=", 1)[0]: header for header in raw}


def test_plain_http_moves_to_https_with_path_and_query(stack):
    response = requests.get(stack.http_origin + "/diary/?q=x&page=2", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == stack.origin + "/diary/?q=x&page=2"


def test_sign_in_sets_secure_http_only_cookies(stack):
    page = browser(stack).get(stack.origin + "/accounts/login/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    csrf = set_cookies(page)["csrftoken"]
    assert "Secure" in csrf and "SameSite=Lax" in csrf

    _session, response = sign_in(stack)
    assert response.status_code == 302, response.text[:500]
    session_cookie = set_cookies(response)["sessionid"]
    assert "; Secure" in session_cookie and "; HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_a_form_post_passes_csrf_and_is_saved(stack):
    session, _ = sign_in(stack)
    form = session.get(stack.origin + "/diary/new/", timeout=10)
    assert form.status_code == 200
    response = session.post(
        stack.origin + "/diary/new/",
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "title": "Behind the proxy",
            "content": f"Written through nginx on port {stack.https_port}.",
            "created_at": "2024-05-01T18:30",
            "mood": "4",
        },
        headers={"Origin": stack.origin, "Referer": stack.origin + "/diary/new/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:1000]
    entry = session.get(stack.origin + response.headers["Location"], timeout=10)
    assert entry.status_code == 200 and f"Written through nginx on port {stack.https_port}." in entry.text


def test_a_5_mb_import_goes_through_to_the_worker(stack):
    count = 9000
    document = {
        "format": "journal-export",
        "version": 1,
        "entries": [
            {"title": f"Imported {i}", "content": f"Entry {i}. " + "Lorem ipsum dolor sit amet. " * 20,
             "created_at": f"2023-01-01T{i % 24:02d}:{i % 60:02d}:00+00:00", "mood": 3}
            for i in range(count)
        ],
    }
    data = json.dumps(document).encode()
    assert 5 * 2**20 <= len(data) < 26 * 2**20, len(data)

    session, _ = sign_in(stack)
    response = session.post(
        stack.origin + "/settings/import/",
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        files={"file": ("journal.json", data, "application/json")},
        headers={"Origin": stack.origin, "Referer": stack.origin + "/settings/import/"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:1000]
    job_id = int(re.search(r"/settings/import/(\d+)/", response.headers["Location"]).group(1))

    status: dict = {}

    def done() -> bool:
        status.update(session.get(f"{stack.origin}/api/v1/import/{job_id}/", timeout=10).json())
        return status.get("status") in ("done", "failed")

    wait_for(done, 180, "the import")
    assert status["status"] == "done", status
    assert status["created"] == count and status["total"] == count, status
    # Built from the Host and X-Forwarded-Proto nginx passed on.
    assert status["status_url"] == f"{stack.origin}/api/v1/import/{job_id}/"


def five_mb_jpeg() -> bytes:
    """A photo of at least 5 MB: random colours, which JPEG cannot shrink."""
    from PIL import Image

    side = 2400
    while True:
        data = io.BytesIO()
        Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(data, "JPEG", quality=90)
        if len(data.getvalue()) >= 5 * 2**20:
            return data.getvalue()
        side += 200


def api_headers(stack: Stack, session: requests.Session) -> dict[str, str]:
    return {"X-CSRFToken": session.cookies["csrftoken"], "Origin": stack.origin, "Referer": stack.origin + "/"}


def test_a_5_mb_photo_goes_through_to_its_entry_and_5_mb_elsewhere_stops_at_nginx(stack):
    """nginx's own limit is the journal's 1 MB plus its envelope, except on the import and photo routes."""
    session, _ = sign_in(stack)
    headers = api_headers(stack, session)
    entry = session.post(stack.origin + "/api/v1/entries/", json={"title": "Photos", "content": "Through nginx."},
                         headers=headers, timeout=10)
    assert entry.status_code == 201, entry.text[:1000]
    entry_id = entry.json()["id"]
    photo = five_mb_jpeg()
    assert 5 * 2**20 <= len(photo) < 20 * 2**20

    added = session.post(f"{stack.origin}/api/v1/entries/{entry_id}/attachments/", headers=headers,
                         files={"file": ("big.jpg", photo, "image/jpeg")}, timeout=60)
    assert added.status_code == 201, added.text[:1000]
    assert added.json()["width"] == added.json()["height"] >= 2400
    # The entry page's form, the other photo route.
    form = session.post(f"{stack.origin}/diary/{entry_id}/photos/",
                        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
                        files={"file": ("big.jpg", photo, "image/jpeg")},
                        headers={"Origin": stack.origin, "Referer": f"{stack.origin}/diary/{entry_id}/"},
                        allow_redirects=False, timeout=60)
    assert form.status_code == 302, form.text[:1000]
    listed = session.get(f"{stack.origin}/api/v1/entries/{entry_id}/attachments/", timeout=10).json()
    assert len(listed) == 2

    # The same 5 MB to any other route: nginx answers 413 itself, and the journal never reads it.
    for path in (f"/api/v1/entries/{entry_id}/", "/api/v1/entries/", f"/diary/{entry_id}/photos/x/",
                 f"/api/v1/entries/{entry_id}/attachments/{listed[0]['id']}/"):
        refused = session.post(stack.origin + path, headers=headers,
                               files={"file": ("big.jpg", photo, "image/jpeg")}, timeout=60)
        assert refused.status_code == 413, (path, refused.status_code)
        assert "<center>nginx" in refused.text and "detail" not in refused.text, path  # nginx's page, not the journal's


def fetch_metrics(stack: Stack, *, source: str, headers: dict[str, str]) -> int:
    """GET /metrics through nginx from a chosen loopback address (all of 127/8 is this machine)."""
    context = ssl.create_default_context(cafile=str(stack.cert))
    connection = http.client.HTTPSConnection(
        "localhost", stack.https_port, context=context, source_address=(source, 0), timeout=10
    )
    try:
        connection.request("GET", "/metrics", headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_journal_sees_the_clients_address_not_a_forged_one(stack):
    """/metrics is open to loopback (127.0.0.1) only: a client at 127.0.0.5 is refused, even when it lies."""
    assert requests.get(stack.gunicorn_base + "/metrics", timeout=10).status_code == 200  # Prometheus on the host
    assert fetch_metrics(stack, source="127.0.0.1", headers={}) == 200
    assert fetch_metrics(stack, source="127.0.0.5", headers={}) == 403
    assert fetch_metrics(stack, source="127.0.0.5", headers={"X-Forwarded-For": "127.0.0.1"}) == 403
    bearer = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    assert fetch_metrics(stack, source="127.0.0.5", headers=bearer) == 200


def trickle(sock: socket.socket, stop: threading.Event, first: bytes, drip: bytes) -> None:
    try:
        sock.sendall(first)
        while not stop.wait(0.5):
            sock.sendall(drip)
    except OSError:
        pass  # nginx gave up on us: that is the point


def test_trickling_clients_never_hold_gunicorns_threads(stack):
    """Eight clients that send a byte at a time (four in the headers, four in a body) while
    /healthz is asked for again and again. gunicorn has four threads; nginx reads every
    request whole before passing it on, so the slow ones never reach gunicorn."""
    context = ssl.create_default_context(cafile=str(stack.cert))
    stop = threading.Event()
    sockets, threads = [], []
    for n in range(8):
        raw = socket.create_connection(("127.0.0.1", stack.https_port), timeout=10)
        sock = context.wrap_socket(raw, server_hostname="localhost")
        if n % 2:
            first = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
            drip = b"a"
        else:
            first = (
                b"POST /api/v1/entries/ HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
            )
            drip = b" "
        thread = threading.Thread(target=trickle, args=(sock, stop, first, drip), daemon=True)
        thread.start()
        sockets.append(sock)
        threads.append(thread)
    try:
        time.sleep(1)  # every slow client is connected and dripping
        session = browser(stack)
        timings = []
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            started = time.monotonic()
            response = session.get(stack.origin + "/healthz", timeout=5)
            timings.append(time.monotonic() - started)
            assert response.status_code == 200
            time.sleep(0.1)
        # Blocked, a request would wait for as long as the slow clients (the test below); here each
        # is answered at once (bounded at 2 s for a loaded CI machine).
        assert len(timings) >= 10 and max(timings) < 2.0, timings
        assert all(thread.is_alive() for thread in threads), "a slow client was cut off too early for the test"
    finally:
        stop.set()
        for sock in sockets:
            sock.close()
        for thread in threads:
            thread.join(5)


def test_without_nginx_four_trickling_clients_stall_gunicorn(stack):
    """The same trickle straight at gunicorn: why production always runs behind the buffering proxy."""
    stop = threading.Event()
    sockets, threads = [], []
    host, port = stack.gunicorn_base.removeprefix("http://").split(":")
    for _ in range(4):
        sock = socket.create_connection((host, int(port)), timeout=10)
        thread = threading.Thread(
            target=trickle, args=(sock, stop, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", b"a"),
            daemon=True,
        )
        thread.start()
        sockets.append(sock)
        threads.append(thread)
    try:
        time.sleep(1)
        with pytest.raises(requests.exceptions.Timeout):
            requests.get(stack.gunicorn_base + "/healthz", timeout=3)
    finally:
        stop.set()
        for sock in sockets:
            sock.close()
        for thread in threads:
            thread.join(5)
    # Released, gunicorn answers again.
    wait_for(lambda: requests.get(stack.gunicorn_base + "/healthz", timeout=2).ok, 30, "gunicorn after the trickle")


def test_no_reset_or_undo_token_and_no_search_reaches_the_logs(stack):
    """Each kind of secret link, opened through nginx (pages, a redirect, 4xx answers): the nginx access log
    and the journal's JSON log name the route, never the token, and no query string (a search is private)."""
    session = browser(stack)
    undo = "/accounts/email/undo/eyJjaGFuZ2UiOjF9:1tXyZw:undo-secret-0123456789/"
    reset = "/accounts/password/reset/Lw/cf1a2b-reset0secret0123456789abcdef/"
    for method, path in (("GET", undo), ("POST", undo), ("GET", reset), ("POST", reset),
                         ("GET", undo + "?x=1"), ("GET", "/diary/?q=private+search+words")):
        response = session.request(method, stack.origin + path, allow_redirects=False, timeout=10)
        assert response.status_code < 500, (path, response.status_code)
    time.sleep(1.0)  # nginx writes its log line after the answer
    nginx_log = (stack.tmp / "journal.access.log").read_text()
    app_log = (stack.tmp / "gunicorn.log").read_text()
    for log in (nginx_log, app_log):
        for secret in ("undo-secret", "reset0secret", "eyJjaGFuZ2Ui", "private+search", "private search"):
            assert secret not in log, secret
    assert '"GET /accounts/email/undo/<str:token>/ HTTP/1.1" 400' in nginx_log
    assert '"POST /accounts/password/reset/<uidb64>/<token>/ HTTP/1.1"' in nginx_log
    assert '"GET /diary/ HTTP/1.1" 302' in nginx_log
