"""The embedded `make run` configuration is one site: whatever serves the
next request sees what the last one changed.

Starts the real thing: gunicorn -c gunicorn.conf.py with no DATABASE_URL,
REDIS_URL or worker settings, over a fresh VAR_DIR (SQLite, in-process cache).
"""

import os
import subprocess
import time

import pytest
import requests

from tests.live.servers import BIN, PYTHON, ROOT, Service, free_port, signed_in_session, wait_for

pytestmark = pytest.mark.slow
PASSWORD = "embedded-site-password-5521"


@pytest.fixture
def embedded_site(tmp_path):
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    port = free_port()
    env.update(
        VAR_DIR=str(tmp_path), PORT=str(port), DJANGO_SETTINGS_MODULE="journal_site.settings_test",
        GUNICORN_ACCESS_LOG="0",
    )
    for step in (["migrate", "--noinput"],):
        subprocess.run([PYTHON, "manage.py", *step], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    for name in ("ann", "bob"):
        code = (
            "from accounts.models import User; "
            f"User.objects.create_user({name!r}, '{name}@example.com', {PASSWORD!r})"
        )
        subprocess.run(
            [PYTHON, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
        )
    server = Service([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "journal_site.wsgi"], env, tmp_path / "g.log")
    server.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.get(base + "/healthz", timeout=2).status_code == 200, 60, "gunicorn")
        yield base
    finally:
        server.kill()


def test_make_run_is_one_site(embedded_site):
    base = embedded_site
    # Start early in a minute: the rate-limit part counts requests within one window.
    while time.time() % 60 > 25:
        time.sleep(0.5)
    ann = signed_in_session(base, "ann", PASSWORD)
    # A new connection per request, as a browser's several connections would: each
    # may be accepted by any worker gunicorn runs.
    ann.headers["Connection"] = "close"

    # A settings change is seen by every following request.
    assert ann.get(base + "/api/v1/me/", timeout=10).json()["language"] == "en"
    response = ann.patch(base + "/api/v1/me/", json={"language": "pl"}, timeout=10)
    assert response.status_code == 200, response.text[:300]
    languages = [ann.get(base + "/api/v1/me/", timeout=10).json()["language"] for _ in range(16)]
    assert languages == ["pl"] * 16

    # Statistics follow a write.
    before = ann.get(base + "/api/v1/stats/", timeout=10).json()
    entry = {"title": "One", "content": "A day worth writing about.", "mood": 4}
    assert ann.post(base + "/api/v1/entries/", json=entry, timeout=10).status_code == 201
    after = [ann.get(base + "/api/v1/stats/", timeout=10).json() for _ in range(6)]
    assert after[0] != before and all(stats == after[0] for stats in after)

    # A password change on one device signs the other out everywhere.
    other = signed_in_session(base, "ann", PASSWORD)
    other.headers["Connection"] = "close"
    assert [other.get(base + "/diary/", timeout=10).status_code for _ in range(4)] == [200] * 4
    new_password = PASSWORD + "-changed"
    response = ann.post(
        base + "/accounts/password/change/",
        data={
            "old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password,
            "csrfmiddlewaretoken": ann.cookies["csrftoken"],
        },
        timeout=10, allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:300]
    statuses = [other.get(base + "/diary/", timeout=10, allow_redirects=False).status_code for _ in range(12)]
    assert statuses == [302] * 12
    assert ann.get(base + "/diary/", timeout=10, allow_redirects=False).status_code == 200

    # A signed-out session is refused everywhere.
    old_cookies = ann.cookies.copy()
    assert ann.post(base + "/accounts/logout/", timeout=10, allow_redirects=False).status_code == 302
    statuses = [
        requests.get(base + "/diary/", cookies=old_cookies, timeout=10, allow_redirects=False).status_code
        for _ in range(12)
    ]
    assert statuses == [302] * 12

    # 60 a minute means 60: bob's 61st request of the minute is refused.
    bob = signed_in_session(base, "bob", PASSWORD)
    bob.headers["Connection"] = "close"
    window = int(time.time() // 60)
    statuses = [bob.get(base + "/api/v1/me/", timeout=10).status_code for _ in range(61)]
    assert int(time.time() // 60) == window, "the minute ended during the test"
    assert statuses == [200] * 60 + [429]
