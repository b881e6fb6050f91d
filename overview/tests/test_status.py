"""The admin's status page: the background, queues, the last backup, mail, keys and versions; admins only."""

import time

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.tests.factories import UserFactory
from journal_site.models import OutboxMessage
from journal_site.tasks import BACKUP_KEY, HEARTBEAT_KEY

pytestmark = pytest.mark.django_db
STATUS = "/admin/status/"


@pytest.fixture
def boss_client(client):
    client.force_login(UserFactory(username="boss", email="boss@example.com", is_admin=True))
    return client


def test_only_an_admin_sees_it(client):
    response = client.get(STATUS)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(UserFactory())
    assert client.get(STATUS).status_code == 403
    assert client.post("/admin/status/test-email/").status_code == 403
    assert not mail.outbox


def test_it_tells_when_the_background_last_ran_and_what_waits(boss_client, settings):
    cache.set(HEARTBEAT_KEY, time.time() - 30)
    cache.set(BACKUP_KEY, {"at": time.time() - 3 * 3600, "bytes": 5 * 2**20})
    OutboxMessage.objects.create(task_name="journal_site.heartbeat")
    body = boss_client.get(STATUS).content.decode()
    assert "Last backup" in body and "3 h ago" in body and "5.0 MB" in body
    assert "Outbox (tasks waiting for the broker)" in body and "1, the oldest from" in body
    assert "Maintenance mode" in body and "Sign-up" in body and "Key-encryption keys" in body
    assert "Python, Django" in body and "Database" in body
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        assert "s ago" in body  # the heartbeat, 30 s ago


def test_a_stale_heartbeat_and_a_missing_backup_are_flagged(boss_client, settings):
    cache.delete(BACKUP_KEY)
    cache.set(HEARTBEAT_KEY, time.time() - 3600)
    body = boss_client.get(STATUS).content.decode()
    assert "never recorded" in body and 'alt="needs attention"' in body


def test_the_test_email_goes_to_the_admin_and_says_so(boss_client):
    response = boss_client.post("/admin/status/test-email/", follow=True)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["boss@example.com"]
    assert "A test email went to boss@example.com" in response.content.decode()


def test_a_failing_mail_server_is_reported_not_raised(boss_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    response = boss_client.post("/admin/status/test-email/", follow=True)
    assert response.status_code == 200
    assert "The test email could not be sent: ConnectionRefusedError" in response.content.decode()


def test_it_names_the_mail_server(boss_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "mail.example.com", 587
    assert "smtp mail.example.com:587" in boss_client.get(STATUS).content.decode()
