"""Fixtures of the export and import tests."""

import pytest


@pytest.fixture
def photo_store(settings, tmp_path):
    """The photos' files in a folder of the test's own."""
    location = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": str(location)}},
    }
    return location
