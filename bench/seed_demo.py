"""Fill the database with realistic demo data, fast, for benchmarks and demos.

    .venv/bin/python bench/seed_demo.py --users 1000 --entries-per-user 1000 --messages-per-user 20

Users write in English or Polish; entries vary in length (a line, a page,
now and then a long one), are spread over several years, carry a mood and
emotion tags that fit it; conversations alternate user and companion messages
in every mode within the retention period. Rows go in with bulk_create, in
batches, one transaction per batch, and the script reports rows per second.
Every demo user shares one password (hashed once: hashing is deliberately
slow), `--password`, default "demo-password". It uses the journal's settings
(DATABASE_URL and the rest, as manage.py does); the text is bench/corpus.py's.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.corpus import REPLIES, SENTENCES, TITLES, USER_MESSAGES  # noqa: E402

EMOTIONS_BY_MOOD = {
    1: ["sadness", "anger", "fear", "anxious", "lonely", "overwhelmed", "frustrated", "tired"],
    2: ["tired", "stressed", "anxious", "frustrated", "bored", "confused", "guilty", "sadness"],
    3: ["calm", "tired", "bored", "nostalgic", "anticipation", "confused", "content"],
    4: ["content", "calm", "grateful", "hopeful", "joy", "relieved", "trust", "inspired"],
    5: ["joy", "excited", "proud", "loved", "grateful", "inspired", "hopeful", "surprise"],
}
MOOD_WEIGHTS = [6, 14, 30, 32, 18]


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Insert realistic demo users, diary entries and conversations in batches, "
        "and report rows per second."
    )
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--entries-per-user", type=int, default=100)
    parser.add_argument("--messages-per-user", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--years", type=int, default=3, help="entries are spread over this many years")
    parser.add_argument("--prefix", default="demo", help="usernames are <prefix><n>")
    parser.add_argument("--password", default="demo-password")
    parser.add_argument("--seed", type=int, default=None, help="for repeatable data")
    parser.add_argument("-v", "--verbosity", type=int, default=1, help="2 reports every batch")
    return parser


def main(argv: list[str] | None = None, *, out: TextIO = sys.stdout) -> None:
    """Seed with the command line's options (Django must be set up)."""
    cli = parser()
    args = cli.parse_args(argv)
    users, per_user, messages = args.users, args.entries_per_user, args.messages_per_user
    if min(users, per_user, messages) < 0 or users == 0:
        cli.error("--users must be positive; the other counts at least 0")
    if args.batch_size < 1:
        cli.error("--batch-size must be positive")
    Seeder(out=out, seed=args.seed, batch_size=args.batch_size, years=args.years, verbosity=args.verbosity).run(
        users=users, per_user=per_user, messages=messages, prefix=args.prefix, password=args.password
    )


class Seeder:
    """Writes the rows in batches and reports each table's rows per second to `out`."""

    def __init__(self, *, out: TextIO, seed: int | None, batch_size: int, years: int, verbosity: int) -> None:
        self.out = out
        self.rng = random.Random(seed)  # demo data, not secrets
        self.batch_size = batch_size
        self.verbosity = verbosity
        self.now = timezone.now()
        self.span_seconds = max(1, years) * 365 * 24 * 3600

    def run(self, *, users: int, per_user: int, messages: int, prefix: str, password: str) -> None:
        started = time.perf_counter()
        user_rows = self.create_users(users, prefix, password)
        user_seconds = time.perf_counter() - started
        self.report("users", len(user_rows), user_seconds)

        started = time.perf_counter()
        entry_count = self.create_entries(user_rows, per_user)
        entry_seconds = time.perf_counter() - started
        self.report("entries", entry_count, entry_seconds)

        started = time.perf_counter()
        message_count = self.create_messages(user_rows, messages)
        message_seconds = time.perf_counter() - started
        self.report("messages", message_count, message_seconds)

        total = len(user_rows) + entry_count + message_count
        self.report("total", total, user_seconds + entry_seconds + message_seconds)

    def report(self, what: str, rows: int, seconds: float) -> None:
        rate = rows / seconds if seconds > 0 else float("inf")
        self.out.write(f"{what}: {rows} rows in {seconds:.1f} s, {rate:,.0f} rows/s\n")

    # --- users -------------------------------------------------------------------------------

    def create_users(self, count: int, prefix: str, password: str) -> list[tuple[int, str]]:
        """Returns (id, language) for each new user."""
        User = get_user_model()
        start = User.objects.filter(username__startswith=prefix).count()
        while User.objects.filter(username__iexact=f"{prefix}{start}").exists():
            start += 1
        hashed = make_password(password)
        rows = []
        for offset in range(0, count, self.batch_size):
            batch = []
            for n in range(start + offset, start + min(count, offset + self.batch_size)):
                language = "pl" if self.rng.random() < 0.4 else "en"
                batch.append(
                    User(
                        username=f"{prefix}{n}",
                        email=f"{prefix}{n}@example.com",
                        password=hashed,
                        language=language,
                        timezone="Europe/Warsaw" if language == "pl" else "UTC",
                        ai_can_read_entries=self.rng.random() < 0.5,
                        created_at=self.now - timedelta(seconds=self.span_seconds + self.rng.randrange(86400 * 30)),
                    )
                )
            with transaction.atomic():
                created = User.objects.bulk_create(batch)
            if created and created[0].pk is None:  # backends that cannot return ids
                names = [u.username for u in batch]
                ids = dict(User.objects.filter(username__in=names).values_list("username", "id"))
                rows.extend((ids[u.username], u.language) for u in batch)
            else:
                rows.extend((u.pk, u.language) for u in created)
        return rows

    # --- entries ----------------------------------------------------------------------------

    def content(self, language: str) -> str:
        roll = self.rng.random()
        if roll < 0.25:
            count = self.rng.randint(1, 2)  # a line
        elif roll < 0.93:
            count = self.rng.randint(3, 9)  # a page
        else:
            count = self.rng.randint(15, 40)  # a long evening of writing
        sentences = self.rng.choices(SENTENCES[language], k=count)
        if count > 6:
            middle = count // 2
            return " ".join(sentences[:middle]) + "\n\n" + " ".join(sentences[middle:])
        return " ".join(sentences)

    def entry(self, user_id: int, language: str):
        from diary.excerpts import excerpt_from_lines
        from diary.models import DiaryEntry

        rng = self.rng
        mood = rng.choices(range(1, 6), weights=MOOD_WEIGHTS)[0] if rng.random() < 0.9 else None
        tags = rng.sample(EMOTIONS_BY_MOOD[mood or 3], k=rng.choice((0, 1, 1, 2, 2, 3, 4)))
        content = self.content(language)
        title = rng.choice(TITLES[language]) if rng.random() < 0.7 else ""
        created = self.now - timedelta(seconds=rng.randrange(self.span_seconds))
        return DiaryEntry(
            user_id=user_id,
            title=title,
            content=content,
            mood=mood,
            emotion_tags=tags,
            exclude_from_ai=rng.random() < 0.05,
            word_count=len(content.split()),
            # The generated text has no markup: its paragraphs are the excerpt's lines.
            excerpt=excerpt_from_lines(content.split("\n\n")),
            created_at=created,
            updated_at=created,
        )

    def create_entries(self, users: list[tuple[int, str]], per_user: int) -> int:
        from diary.models import DiaryEntry

        total = 0
        batch: list = []
        for user_id, language in users:
            for _ in range(per_user):
                batch.append(self.entry(user_id, language))
                if len(batch) >= self.batch_size:
                    total += self._insert(DiaryEntry, batch)
                    batch = []
        if batch:
            total += self._insert(DiaryEntry, batch)
        return total

    def _insert(self, model, rows: list) -> int:
        with transaction.atomic():
            model.objects.bulk_create(rows, batch_size=self.batch_size)
        if self.verbosity >= 2:
            self.out.write(f"  {model.__name__}: +{len(rows)}\n")
        return len(rows)

    # --- conversations ---------------------------------------------------------------------------

    def create_messages(self, users: list[tuple[int, str]], per_user: int) -> int:
        """Pairs of a user message and its reply, in random modes, within the last 30 days.

        An odd count leaves each user's last message waiting for its reply.
        """
        from conversations.models import ConversationHistory
        from conversations.modes import Mode

        total = 0
        modes = [mode.value for mode in Mode]
        pairs = (per_user + 1) // 2
        pending: list[tuple] = []
        for user_id, language in users:
            for i in range(pairs):
                mode = self.rng.choice(modes)
                at = self.now - timedelta(seconds=self.rng.randrange(29 * 86400))
                unanswered = per_user % 2 == 1 and i == pairs - 1
                question = ConversationHistory(
                    user_id=user_id,
                    mode=mode,
                    role="user",
                    created_at=at,
                    content=self.rng.choice(USER_MESSAGES[language]),
                    status="pending" if unanswered else "answered",
                )
                answer = None
                if not unanswered:
                    answer = ConversationHistory(
                        user_id=user_id,
                        mode=mode,
                        role="assistant",
                        created_at=at + timedelta(seconds=2),
                        content=self.rng.choice(REPLIES[language]),
                        provider="offline",
                        model="offline",
                        latency_ms=self.rng.randint(2, 40),
                    )
                pending.append((question, answer))
                if len(pending) * 2 >= self.batch_size:
                    total += self._insert_pairs(pending)
                    pending = []
        if pending:
            total += self._insert_pairs(pending)
        return total

    def _insert_pairs(self, pairs: list[tuple]) -> int:
        from conversations.models import ConversationHistory

        with transaction.atomic():
            questions = ConversationHistory.objects.bulk_create([question for question, _ in pairs])
            answers = []
            for question, (_same, answer) in zip(questions, pairs, strict=True):
                if answer is not None:
                    answer.reply_to_id = question.pk
                    answers.append(answer)
            ConversationHistory.objects.bulk_create(answers)
        return len(questions) + len(answers)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")
    import django

    django.setup()
    main()
