"""Data-scale benchmark of the accounts hot paths (not part of the test run).

    DATABASE_URL=postgres://... REDIS_URL=redis://.../N .venv/bin/python bench/accounts_bench.py [--users 10000]

Seeds users, entries, messages and refresh tokens into the configured database
(once; re-runs reuse them), then times: a user read from the cache and from the
database, the user-cache invalidation (O(1): a delete and a version), the admin's
page of users with per-user counts, the stats:overview computation, and the
stale-token cleanup.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken  # noqa: E402

from accounts import selectors, services  # noqa: E402
from accounts.models import User  # noqa: E402
from conversations.models import ConversationHistory  # noqa: E402
from diary.models import DiaryEntry  # noqa: E402
from overview import selectors as overview  # noqa: E402

PREFIX = "bench"


def timed(label: str, fn, repeat: int = 5) -> None:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    print(f"{label:<58} median {statistics.median(runs):9.2f} ms   min {min(runs):9.2f} ms")


def seed(users: int) -> None:
    have = User.objects.filter(username__startswith=PREFIX).count()
    if have >= users:
        return
    now = timezone.now()
    rng = random.Random(7)
    batch = [
        User(
            username=f"{PREFIX}{n}",
            email=f"{PREFIX}{n}@example.com",
            password=make_password(None),
            created_at=now - timedelta(days=rng.randint(0, 400)),
            last_login=now - timedelta(days=rng.randint(0, 30)),
        )
        for n in range(have, users)
    ]
    User.objects.bulk_create(batch, batch_size=5000)
    ids = list(User.objects.filter(username__startswith=PREFIX).values_list("pk", flat=True))
    entries, messages, tokens = [], [], []
    jwt_text = "-"  # the rows are never decoded here
    for user_id in ids:
        for _ in range(30):
            entries.append(DiaryEntry(user_id=user_id, content="x " * 50, created_at=now - timedelta(
                days=rng.randint(0, 365), minutes=rng.randint(0, 1440))))
        for _ in range(10):
            messages.append(ConversationHistory(user_id=user_id, mode="supportive", role="user", content="y",
                                                created_at=now - timedelta(days=rng.randint(0, 30))))
        for _ in range(2):
            tokens.append(OutstandingToken(user_id=user_id, jti=f"{PREFIX}-{user_id}-{len(tokens)}", token=jwt_text,
                                           created_at=now, expires_at=now + timedelta(days=rng.randint(-3, 7))))
        if len(entries) >= 50000:
            DiaryEntry.objects.bulk_create(entries, batch_size=5000)
            ConversationHistory.objects.bulk_create(messages, batch_size=5000)
            OutstandingToken.objects.bulk_create(tokens, batch_size=5000, ignore_conflicts=True)
            entries, messages, tokens = [], [], []
    DiaryEntry.objects.bulk_create(entries, batch_size=5000)
    ConversationHistory.objects.bulk_create(messages, batch_size=5000)
    OutstandingToken.objects.bulk_create(tokens, batch_size=5000, ignore_conflicts=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--heavy-entries", type=int, default=100000)
    parser.add_argument("--cache-keys", type=int, default=100000, help="filler keys around the invalidation timing")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed(args.users)
    print(f"seeded in {time.perf_counter() - started:.1f} s: {User.objects.count()} users, "
          f"{DiaryEntry.objects.count()} entries, {ConversationHistory.objects.count()} messages, "
          f"{OutstandingToken.objects.count()} tokens; {connection.vendor}, {type(cache).__name__}")

    user = User.objects.filter(username__startswith=PREFIX).order_by("?").first()
    selectors.user_get_cached(user_id=user.pk)
    timed("user from the cache (user:id:{id}), x1000", lambda: [
        selectors.user_get_cached(user_id=user.pk) for _ in range(1000)])
    timed("user from the database, x1000", lambda: [User.objects.get(pk=user.pk) for _ in range(1000)])

    cache.set_many({f"filler:{n}": n for n in range(args.cache_keys)}, 600)
    timed(f"invalidate all of a user's data with {args.cache_keys} other keys", lambda: services.user_cache_invalidate(
        user_id=user.pk), repeat=3)
    timed("invalidate only user:id:{id} (a sign-in)", lambda: services.user_cache_invalidate(
        user_id=user.pk, everything=False))
    cache.delete_many([f"filler:{n}" for n in range(args.cache_keys)])

    timed("admin: first page of 50 users with counts", lambda: list(overview.user_list_for_admin()[:50]))
    timed("admin: page 50 users, search 'bench12'", lambda: list(
        overview.user_list_for_admin(search="bench12")[:50]))
    timed("stats:overview computed", overview.stats_overview_compute, repeat=3)
    cache.delete(overview.STATS_OVERVIEW_KEY)
    overview.stats_overview_get()
    timed("stats:overview from the cache", overview.stats_overview_get)
    heavy = User.objects.create_user(f"{PREFIX}heavy{time.time_ns()}", f"heavy{time.time_ns()}@example.com", "!")
    now = timezone.now()
    DiaryEntry.objects.bulk_create(
        [DiaryEntry(user=heavy, content="z " * 200, created_at=now) for _ in range(args.heavy_entries)],
        batch_size=5000,
    )
    asked = ConversationHistory.objects.bulk_create(
        [ConversationHistory(user=heavy, mode="supportive", role="user", content="q") for _ in range(
            args.heavy_entries // 10)], batch_size=5000)
    ConversationHistory.objects.bulk_create(
        [ConversationHistory(user=heavy, mode="supportive", role="assistant", content="a", reply_to=m) for m in asked],
        batch_size=5000,
    )
    timed(f"delete a user with {args.heavy_entries} entries and {len(asked) * 2} messages",
          lambda: services.user_delete(user=heavy), repeat=1)
    timed("stale-token cleanup (first run does the work)", lambda: print(
        "   ", services.tokens_cleanup(stale_days=7)), repeat=2)


if __name__ == "__main__":
    main()
