"""A photo store that does not take a file (full, down, refusing) is a 503 saying so, never a 500, and nothing is
kept; the thumbnails' task tries again later."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from diary.models import Attachment
from diary.tasks import photo_thumbnails_task
from diary.tests import photo_files
from journal_site.blobs import StoreUnavailable

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_store(settings, tmp_path):
    """A folder store whose folder cannot be made: its path runs through a plain file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.STORAGES = {**settings.STORAGES, "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(blocker / "attachments")}}}


def test_the_api_says_503_and_keeps_nothing(owner_api, photo_entry, broken_store):
    response = owner_api.post(f"/api/v1/entries/{photo_entry.pk}/attachments/",
                              {"file": SimpleUploadedFile("p.jpg", photo_files.jpeg())}, format="multipart")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response.json()["code"] == "store_unavailable"
    assert "try again" in response.json()["detail"]
    assert not Attachment.objects.exists()


def test_the_editor_says_so_and_keeps_nothing(owner_client, photo_entry, broken_store):
    response = owner_client.post(f"/diary/{photo_entry.pk}/photos/",
                                 {"file": SimpleUploadedFile("p.jpg", photo_files.jpeg())},
                                 HTTP_ACCEPT="application/json")
    assert response.status_code == 503 and "try again" in response.json()["detail"]
    page = owner_client.post(f"/diary/{photo_entry.pk}/photos/",
                             {"file": SimpleUploadedFile("p.jpg", photo_files.jpeg())}, follow=True)
    assert "could not be stored just now" in page.content.decode()
    assert not Attachment.objects.exists()


def test_the_thumbnails_task_tries_again_when_the_store_refuses():
    assert StoreUnavailable in photo_thumbnails_task.autoretry_for
    assert photo_thumbnails_task.max_retries >= 5
