"""The companion's test data: conversation messages."""

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conversations.ConversationHistory"

    user = factory.SubFactory(UserFactory)
    mode = "supportive"
    role = "user"
    content = "I had a hard day at work."
    created_at = factory.LazyFunction(timezone.now)
