"""The diary's test data: entries, at given local times when needed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from diary.words import word_count as visible_word_count


def _excerpt(content: str) -> str:
    from diary.excerpts import excerpt_from_markdown

    return excerpt_from_markdown(content)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "diary.DiaryEntry"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Entry {n}")
    content = "Today was a quiet day. I walked by the river and felt calm."
    mood = 4
    emotion_tags = factory.LazyFunction(lambda: ["calm"])
    created_at = factory.LazyFunction(timezone.now)
    word_count = factory.LazyAttribute(lambda e: visible_word_count(e.content))
    # As the services store it: the rendered text's start.
    excerpt = factory.LazyAttribute(lambda e: _excerpt(e.content))

    @factory.post_generation
    def remember_tags(entry, create, extracted, **kwargs):
        """As the services do: every own tag on an entry is on the user's list, which names it in statistics."""
        from diary.models import UserTag

        if create and entry.tags:
            UserTag.objects.bulk_create([UserTag(user_id=entry.user_id, name=name) for name in entry.tags],
                                        ignore_conflicts=True)


def entry_at(user, local: str, tz: str = "UTC", **fields):
    """An entry written at a local wall-clock time, e.g. entry_at(owner, "2024-03-01 23:30", "Europe/Warsaw")."""
    created_at = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz))
    return EntryFactory(user=user, created_at=created_at, **fields)
