"""Helpers for the diary's tests: direct view calls that count only the diary's own queries."""

import pytest
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory, force_authenticate


@pytest.fixture
def call_page():
    """Call a page view as `user`, without the middleware, so a query count is the view's alone.

    The session and user loading belong to the accounts middleware and are
    counted by its own tests; pinning them here would tie these counts to it.
    """
    factory = RequestFactory()

    def call(view, user, path, data=None, **kwargs):
        request = factory.get(path, data or {})
        request.user = user
        return view(request, **kwargs)

    return call


@pytest.fixture
def call_api():
    factory = APIRequestFactory()

    def call(view, user, path, data=None, **kwargs):
        request = factory.get(path, data or {})
        force_authenticate(request, user=user)
        return view(request, **kwargs)

    return call


@pytest.fixture
def photo_entry(owner):
    from diary.tests.factories import EntryFactory

    return EntryFactory(user=owner, title="With photos", content="A walk by the river.")


@pytest.fixture
def upload(owner_api, tasks_inline, django_capture_on_commit_callbacks):
    """POST a file to an entry's photos through the API; what runs after the commit (the thumbnails) runs
    before it returns, unless `after_commit=False`."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def send(entry, data: bytes, *, name: str = "photo.jpg", caption: str = "", api=None, after_commit=True):
        with django_capture_on_commit_callbacks(execute=after_commit):
            return (api or owner_api).post(f"/api/v1/entries/{entry.pk}/attachments/",
                                           {"file": SimpleUploadedFile(name, data), "caption": caption},
                                           format="multipart")

    return send
