"""The owner's undo wins end to end, against real gunicorn, a Celery worker, PostgreSQL, Redis and SMTP.

An attacker who knows the password moves the account to evil1, confirms it from evil1's mailbox, then to
evil2 and confirms again. The owner opens the link their old address got: the account is theirs again,
every session and token of the attacker ends, and the link evil1 got for the second change no longer
works (docs/account-security.md).
"""

import email
import re
import socketserver
import threading

import pytest
import requests

from tests.live.conftest import PASSWORD
from tests.live.servers import celery_worker, gunicorn, manage, wait_for

pytestmark = [pytest.mark.live, pytest.mark.slow]


class SmtpSink:
    """An SMTP server that keeps every message it is given (no TLS, no authentication)."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 sink\r\n")
                data, reading = [], False
                while line := self.rfile.readline():
                    if reading:
                        if line in (b".\r\n", b".\n"):
                            reading = False
                            sink.messages.append(email.message_from_bytes(b"".join(data)))
                            data = []
                            self.wfile.write(b"250 kept\r\n")
                        else:
                            data.append(line[1:] if line.startswith(b"..") else line)
                        continue
                    command = line[:4].upper()
                    if command == b"DATA":
                        reading = True
                        self.wfile.write(b"354 go on\r\n")
                    elif command == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    elif command == b"EHLO":
                        self.wfile.write(b"250 sink\r\n")
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def __enter__(self) -> "SmtpSink":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def link(self, to: str, kind: str) -> str:
        """The path of the newest link of `kind` ("confirm" or "undo") mailed to `to`, waiting for it."""
        pattern = re.compile(rf"https?://[^/\s]+(/accounts/email/{kind}/[^/\s]+/)")

        def found() -> str | None:
            for message in reversed(self.messages):
                if message["To"] == to:
                    text = message.get_payload(decode=True).decode()
                    if match := pattern.search(text):
                        return match.group(1)
            return None

        wait_for(lambda: found() is not None, 60, f"the {kind} email to {to}")
        return found()


def _post_form(session: requests.Session, url: str, *, token_from: str | None = None) -> requests.Response:
    """A browser's POST of the page's form: its CSRF token from the page first (or from another page)."""
    page = session.get(token_from or url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, (page.status_code, page.text[:300])
    return session.post(url, data={"csrfmiddlewaretoken": token.group(1)}, allow_redirects=False, timeout=30,
                        headers={"Referer": url})


def _email_of(env, username: str) -> str:
    out = manage(env, "shell", "-v", "0", "-c",
                 f"from accounts.models import User; print(User.objects.get(username={username!r}).email)")
    return out.strip().splitlines()[-1]


def test_an_attackers_second_change_cannot_take_the_account_back_after_the_owners_undo(deployment, tmp_path):
    with SmtpSink() as sink:
        env = {**deployment, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port), "EMAIL_USE_TLS": "0"}
        web, base = gunicorn(env, tmp_path, workers=1, threads=4)
        worker = celery_worker(env, tmp_path, "mail")
        try:
            tokens = requests.post(base + "/api/v1/auth/token/", json={"username": "alice", "password": PASSWORD},
                                   timeout=30).json()
            attacker = {"Authorization": f"Bearer {tokens['access']}"}
            for address in ("evil1@example.com", "evil2@example.com"):
                response = requests.patch(base + "/api/v1/me/", json={"email": address, "current_password": PASSWORD},
                                          headers=attacker, timeout=30)
                assert response.status_code == 200, response.text[:300]
                confirmed = _post_form(requests.Session(), base + sink.link(address, "confirm"))
                assert confirmed.status_code == 200
            assert _email_of(env, "alice") == "evil2@example.com"
            owners_link = sink.link("alice@example.com", "undo")
            attackers_link = sink.link("evil1@example.com", "undo")

            secured = _post_form(requests.Session(), base + owners_link)
            assert secured.status_code == 302 and "/accounts/password/reset/" in secured.headers["Location"]
            assert _email_of(env, "alice") == "alice@example.com"
            wait_for(lambda: any(m["To"] == "alice@example.com" and "secured" in m["Subject"] for m in sink.messages),
                     60, "the notice that the account is secured")

            # The attacker's link for the second change is dead, and so are their token and password.
            assert requests.get(base + attackers_link, timeout=30).status_code == 400
            late = _post_form(requests.Session(), base + attackers_link, token_from=base + "/accounts/login/")
            assert late.status_code == 400
            assert _email_of(env, "alice") == "alice@example.com"
            refreshed = requests.post(base + "/api/v1/auth/token/refresh/", json={"refresh": tokens["refresh"]},
                                      timeout=30)
            assert refreshed.status_code == 401
            again = requests.post(base + "/api/v1/auth/token/", json={"username": "alice", "password": PASSWORD},
                                  timeout=30)
            assert again.status_code == 401
        finally:
            worker.kill()
            web.kill()
