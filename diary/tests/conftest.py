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
