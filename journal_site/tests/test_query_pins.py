"""Query pins count the queries code asks for; the savepoints of nested atomic blocks are not among them."""

import pytest
from django.db import transaction

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_pin_leaves_savepoints_out(django_assert_num_queries):
    # transaction.atomic() makes a savepoint inside the test's own transaction.
    with django_assert_num_queries(1) as context, transaction.atomic():
        User.objects.exists()
    assert [query["sql"] for query in context.captured_queries if "SAVEPOINT" in query["sql"].upper()] == []


def test_a_pin_still_fails_on_one_query_too_many(django_assert_num_queries, django_assert_max_num_queries):
    with pytest.raises(pytest.fail.Exception, match="Expected 1 queries"), django_assert_num_queries(1):
        User.objects.exists()
        User.objects.count()
    with pytest.raises(pytest.fail.Exception, match="at most 1 queries"), django_assert_max_num_queries(1):
        User.objects.exists()
        User.objects.count()
