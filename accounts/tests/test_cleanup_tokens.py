"""Stale-token cleanup: revoke tokens of users away for 7 days, drop expired rows, never delete a user."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import services
from accounts.models import User
from accounts.tasks import cleanup_stale_tokens
from accounts.tests.factories import UserFactory
from diary.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    now = timezone.now()
    away = UserFactory(username="away", last_login=now - timedelta(days=8))
    never = UserFactory(username="never", last_login=None, created_at=now - timedelta(days=30))
    recent = UserFactory(username="recent", last_login=now - timedelta(days=1))
    newcomer = UserFactory(username="newcomer", last_login=None, created_at=now - timedelta(days=1))
    EntryFactory(user=away)
    tokens = {user.username: RefreshToken.for_user(user) for user in (away, never, recent, newcomer)}
    expired = RefreshToken.for_user(recent)
    OutstandingToken.objects.filter(jti=expired["jti"]).update(expires_at=now - timedelta(seconds=1))
    return tokens, expired


def blacklisted(token) -> bool:
    return BlacklistedToken.objects.filter(token__jti=token["jti"]).exists()


def test_cleanup_revokes_stale_users_tokens_and_keeps_every_user(world):
    tokens, expired = world
    result = services.tokens_cleanup(stale_days=7)
    assert result == {"revoked": 2, "deleted": 1}
    assert blacklisted(tokens["away"]) and blacklisted(tokens["never"])
    assert not blacklisted(tokens["recent"]) and not blacklisted(tokens["newcomer"])
    assert not OutstandingToken.objects.filter(jti=expired["jti"]).exists()
    assert User.objects.count() == 4  # nobody deleted, their journals intact
    assert User.objects.get(username="away").diary_entries.count() == 1


def test_revoked_token_gets_401(api_client, world):
    tokens, _ = world
    services.tokens_cleanup(stale_days=7)
    response = api_client.post("/api/v1/auth/token/refresh/", {"refresh": str(tokens["away"])}, format="json")
    assert response.status_code == 401


def test_cleanup_is_idempotent(world):
    services.tokens_cleanup(stale_days=7)
    assert services.tokens_cleanup(stale_days=7) == {"revoked": 0, "deleted": 0}


def test_cleanup_works_in_batches(world, django_assert_max_num_queries):
    result = services.tokens_cleanup(stale_days=7, batch_size=1)
    assert result == {"revoked": 2, "deleted": 1}


def test_expired_blacklisted_rows_go_too():
    user = UserFactory()
    token = RefreshToken.for_user(user)
    services.user_tokens_revoke(user_id=user.pk)
    OutstandingToken.objects.update(expires_at=timezone.now() - timedelta(days=1))
    assert services.tokens_cleanup(stale_days=7)["deleted"] == 1
    assert not BlacklistedToken.objects.exists() and not OutstandingToken.objects.filter(jti=token["jti"]).exists()


def test_management_command(world, capsys):
    call_command("cleanup_tokens")
    assert "revoked 2 refresh tokens, deleted 1 expired rows" in capsys.readouterr().out
    assert User.objects.count() == 4


def test_task_runs_once_a_day_even_with_two_beats(world):
    assert cleanup_stale_tokens.delay().get() == {"revoked": 2, "deleted": 1}
    RefreshToken.for_user(User.objects.get(username="away"))  # would be revoked by a second run
    assert cleanup_stale_tokens.delay().get() is None
    assert OutstandingToken.objects.filter(blacklistedtoken__isnull=True, user__username="away").count() == 1


def test_task_failure_releases_the_days_lock(world, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "tokens_cleanup", boom)
    with pytest.raises(RuntimeError):
        cleanup_stale_tokens.delay()
    monkeypatch.undo()
    assert cleanup_stale_tokens.delay().get() == {"revoked": 2, "deleted": 1}


def test_task_is_scheduled_daily_by_beat(settings):
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "accounts.cleanup_stale_tokens"]
    assert len(entries) == 1 and isinstance(entries[0]["schedule"], crontab)
    assert entries[0]["schedule"].hour == {settings.CLEANUP_HOUR}


def test_cache_is_untouched_by_cleanup(world):
    cache.set("user:stats:1", "kept", 60)
    services.tokens_cleanup(stale_days=7)
    assert cache.get("user:stats:1") == "kept"
