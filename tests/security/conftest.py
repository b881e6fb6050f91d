"""Fixtures of the security tests: the owner's data, an outsider's client, a generous rate limit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import ActivityEvent, SignIn
from conversations.tests.factories import MessageFactory
from diary.attachments import attachment_create
from diary.models import EntryTemplate, ImportJob, UserTag
from diary.tests.factories import EntryFactory
from diary.tests.photo_files import jpeg
from tests.security.routes import MARKDOWN_PAYLOAD, PAYLOAD


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.RATE_LIMIT_PER_MINUTE = 100_000


@pytest.fixture
def owner_data(owner, local_photo_store):
    """The owner's entry with a photo, messages, companion reply, import job, template and tag, every text field
    holding script."""
    entry = EntryFactory(user=owner, title=PAYLOAD[:200], content=MARKDOWN_PAYLOAD, emotion_tags=["joy"])
    photo = attachment_create(entry=entry, source=SimpleUploadedFile("p.jpg", jpeg()), caption=PAYLOAD[:400])
    message = MessageFactory(user=owner, content=PAYLOAD, status="failed")
    asked = MessageFactory(user=owner, content=MARKDOWN_PAYLOAD, status="answered")
    MessageFactory(user=owner, role="assistant", content=MARKDOWN_PAYLOAD, status="answered", reply_to=asked)
    job = ImportJob.objects.create(
        user=owner, status="failed", file_format="journal", total=1, processed=1, error=PAYLOAD
    )
    template = EntryTemplate.objects.create(user=owner, name=PAYLOAD[:80], content=MARKDOWN_PAYLOAD)
    UserTag.objects.create(user=owner, name=PAYLOAD[:40])
    sign_in = SignIn.objects.create(user=owner, kind=SignIn.BROWSER, key="a" * 64, user_agent=PAYLOAD[:120])
    SignIn.objects.create(user=owner, kind=SignIn.API, key="b" * 32, user_agent=PAYLOAD[:120])
    ActivityEvent.objects.create(user=owner, kind=ActivityEvent.SIGN_IN, user_agent=PAYLOAD[:120])
    return {"entry": entry, "message": message, "job": job, "template": template, "sign_in": sign_in,
            "photo": photo}


@pytest.fixture
def outsider_client(outsider):
    client = Client()
    client.force_login(outsider)
    return client
