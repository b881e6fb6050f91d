"""Factories for tests; kept in the package so every app's tests share them."""

import factory
from django.utils import timezone

from diary.words import word_count as visible_word_count

PASSWORD = "correct horse battery staple"  # noqa: S105 - the test users' password


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


def _excerpt(content: str) -> str:
    from diary.excerpts import excerpt_from_markdown

    return excerpt_from_markdown(content)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "diary.DiaryEntry"

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Entry {n}")
    content = "Today was a quiet day. I walked by the river and felt calm."
    mood = 4
    emotion_tags = factory.LazyFunction(lambda: ["calm"])
    created_at = factory.LazyFunction(timezone.now)
    word_count = factory.LazyAttribute(lambda e: visible_word_count(e.content))
    # As the services store it: the rendered text's start.
    excerpt = factory.LazyAttribute(lambda e: _excerpt(e.content))


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conversations.ConversationHistory"

    user = factory.SubFactory(UserFactory)
    mode = "supportive"
    role = "user"
    content = "I had a hard day at work."
    created_at = factory.LazyFunction(timezone.now)


def run_at_once(work, *, times: int = 2) -> list:
    """Run `work` in `times` threads released together, for race tests on PostgreSQL.

    Returns what each run returned, or the exception it raised. Every thread
    closes its own database connection, so the test database can be dropped.
    """
    import threading

    from django.db import connection

    start = threading.Barrier(times)
    outcomes: list = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        try:
            outcome = work()
        except Exception as exc:
            outcome = exc
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes
