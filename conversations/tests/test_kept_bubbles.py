"""Bubbles are kept per process; an id handed out again never shows the old message."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations.models import ConversationHistory
from conversations.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


def test_a_reused_id_shows_the_new_message_not_the_kept_one(owner, outsider, owner_client, client):
    first = MessageFactory(user=owner, content="my private first words", created_at=timezone.now() - timedelta(hours=1))
    assert "my private first words" in owner_client.get("/chat/supportive/").content.decode()
    pk = first.pk
    ConversationHistory.objects.filter(pk=pk).delete()
    MessageFactory(pk=pk, user=outsider, content="someone else writes")
    client.force_login(outsider)
    page = client.get("/chat/supportive/").content.decode()
    assert "someone else writes" in page and "my private first words" not in page
