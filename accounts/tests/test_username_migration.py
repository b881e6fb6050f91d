"""Migration 0005 gives existing accounts their username key, the older of two look-alike names keeping it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FULLWIDTH_ADMIN = "\uff21\uff24\uff2d\uff29\uff2e"

BEFORE = [("accounts", "0004_email_changes")]
AFTER = [("accounts", "0005_username_key")]


def test_existing_names_get_their_key_and_look_alikes_stay_apart():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    User = old_apps.get_model("accounts", "User")
    first = User.objects.create(username="Admin", email="a@example.com", password="!")
    second = User.objects.create(username=FULLWIDTH_ADMIN, email="b@example.com", password="!")
    greek = User.objects.create(username="ΟΔΟΣ", email="c@example.com", password="!")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    User = executor.loader.project_state(AFTER).apps.get_model("accounts", "User")
    keys = dict(User.objects.values_list("pk", "username_key"))
    assert keys[first.pk] == "admin"
    assert keys[second.pk] == f"admin:{second.pk}"
    assert keys[greek.pk] == "o\u03b4o\u03c3"

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
