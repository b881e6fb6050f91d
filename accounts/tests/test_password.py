import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from accounts.models import User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a completely new long secret"


def test_production_settings_hash_with_argon2_first(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "journal_site.settings"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_is_available_and_validators_apply():
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" in settings.PASSWORD_HASHERS
    from django.contrib.auth.hashers import make_password

    assert make_password("x", hasher="argon2").startswith("argon2$")
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "UserAttributeSimilarityValidator"} <= names


# --- change -----------------------------------------------------------------------------------


def test_password_change_keeps_this_session_and_ends_others(owner_client, owner):
    other = Client()
    other.force_login(owner)
    response = owner_client.post(
        "/accounts/password/change/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302 and response["Location"] == "/settings/"
    assert User.objects.get(pk=owner.pk).check_password(NEW)
    assert owner_client.get("/settings/").status_code == 200
    assert other.get("/settings/").status_code == 302


def test_password_change_with_wrong_old_password_changes_nothing(owner_client, owner):
    response = owner_client.post(
        "/accounts/password/change/", {"old_password": "nope", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    assert User.objects.get(pk=owner.pk).check_password(PASSWORD)


def test_password_change_refuses_weak_password(owner_client, owner):
    response = owner_client.post(
        "/accounts/password/change/", {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert "new_password2" in response.context["form"].errors
    assert User.objects.get(pk=owner.pk).check_password(PASSWORD)


def test_password_change_needs_sign_in(client):
    assert client.get("/accounts/password/change/").status_code == 302


# --- reset --------------------------------------------------------------------------------------


def reset_link(message) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)


def test_password_reset_by_email_end_to_end(client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "OWNER@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.com"]
    link = reset_link(mail.outbox[0])
    page = client.get(link, follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    response = client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/complete/"
    assert User.objects.get(pk=owner.pk).check_password(NEW)
    # The link works once.
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_email_speaks_the_users_language(client, owner, django_capture_on_commit_callbacks):
    User.objects.filter(pk=owner.pk).update(language="pl")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "owner@example.com"})
    assert "Ustaw nowe hasło" in mail.outbox[0].subject


def test_password_reset_for_unknown_email_looks_the_same_and_sends_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_reset_ends_sessions(client, owner, django_capture_on_commit_callbacks):
    signed_in = Client()
    signed_in.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "owner@example.com"})
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert signed_in.get("/settings/").status_code == 302


def test_password_reset_requests_are_limited_per_address(client, owner):
    for _ in range(5):
        assert client.post("/accounts/password/reset/", {"email": "owner@example.com"}).status_code == 302
    response = client.post("/accounts/password/reset/", {"email": "owner@example.com"})
    assert response.status_code == 429 and b"Too many requests" in response.content


def test_bad_reset_link_says_so(client):
    response = client.get("/accounts/password/reset/MQ/set-password-bad/")
    assert response.status_code == 200 and response.context["validlink"] is False
