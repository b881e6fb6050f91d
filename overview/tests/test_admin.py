"""The users admin: search, filters, (de)activation, counts without N+1, no full count, no private text."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.models import User
from accounts.tests.conftest import bearer
from accounts.tests.factories import PASSWORD, UserFactory
from conversations.tests.factories import MessageFactory
from diary.tests.factories import EntryFactory
from overview.admin import LargeTablePaginator

pytestmark = pytest.mark.django_db

LIST = "/admin/accounts/user/"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_only_admins_get_in(client, owner):
    client.force_login(owner)
    assert client.get(LIST).status_code == 403  # signed in, not an admin: refused, not sent to a sign-in form


def test_list_shows_counts_and_last_activity_but_no_text(admin_client, owner):
    EntryFactory.create_batch(3, user=owner, title="Secret title", content="Secret diary words")
    MessageFactory.create_batch(2, user=owner, content="Secret companion words")
    response = admin_client.get(LIST)
    assert response.status_code == 200
    rows = {user.username: user for user in response.context["cl"].result_list}
    assert rows["owner"].entry_count == 3 and rows["owner"].message_count == 2
    body = response.content.decode()
    assert "Secret" not in body
    change = admin_client.get(f"{LIST}{owner.pk}/change/").content.decode()
    assert "Secret" not in change and "3 entries, 2 messages" in change


def test_list_query_count_does_not_grow_with_users_or_rows(admin_client, owner):
    admin_client.get(LIST)
    for user in UserFactory.create_batch(3):
        EntryFactory.create_batch(2, user=user)
        MessageFactory(user=user)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(LIST)
    UserFactory.create_batch(10)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(LIST)
    assert len(response.context["cl"].result_list) == 15
    assert len(many) == len(few)
    # [PostgreSQL: the planner's row estimate;] the capped count; the page with per-user subqueries.
    # Session and admin user come from the cache.
    assert len(many) == (3 if connection.vendor == "postgresql" else 2)


def test_list_never_counts_the_whole_table(admin_client):
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(LIST)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "FROM (SELECT" not in q["sql"].upper()]
    # Any count is over a LIMITed subquery; per-user counts are correlated subqueries of the page.
    assert all('"U0"' in sql or "LIMIT" in sql.upper() for sql in counts), counts
    assert not response_has_full_count(admin_client)


def response_has_full_count(admin_client) -> bool:
    changelist = admin_client.get(LIST + "?_facets=True").context["cl"]
    return changelist.show_full_result_count or changelist.add_facets


def test_paginator_caps_the_count(db):
    # Filtered, so the count is really counted: unfiltered on PostgreSQL the planner's
    # estimate answers instead, and that depends on what earlier tests left in the table.
    UserFactory.create_batch(3)
    paginator = LargeTablePaginator(User.objects.filter(is_active=True).order_by("pk"), 2)
    paginator.COUNT_LIMIT = 2
    assert paginator.count == 2


def test_search_by_username_or_email_prefix(admin_client, owner, outsider):
    UserFactory(username="zed", email="Zed@Elsewhere.org")
    names = lambda q: sorted(u.username for u in admin_client.get(LIST, {"q": q}).context["cl"].result_list)  # noqa: E731
    assert names("OWN") == ["owner"]
    assert names("zed@else") == ["zed"]
    assert names("nobody") == []


def test_filters_by_active_admin_and_created(admin_client, owner):
    UserFactory(username="sleepy", is_active=False)
    result = admin_client.get(LIST, {"is_active__exact": "0"}).context["cl"].result_list
    assert [u.username for u in result] == ["sleepy"]
    result = admin_client.get(LIST, {"is_admin__exact": "1"}).context["cl"].result_list
    assert [u.username for u in result] == ["boss"]
    assert admin_client.get(LIST, {"created_at__gte": "2000-01-01 00:00:00+00:00"}).status_code == 200


def test_deactivate_action_locks_out_session_and_jwt_on_the_next_request(admin_client, owner, api_client):
    browser = Client()
    browser.force_login(owner)
    assert browser.get("/settings/").status_code == 200
    tokens = api_client.post("/api/v1/auth/token/", {"username": "owner", "password": PASSWORD}, format="json").json()
    api = bearer(tokens["access"])
    assert api.get("/api/v1/me/").status_code == 200  # the user is cached now

    response = admin_client.post(LIST, {"action": "deactivate_users", "_selected_action": [owner.pk]})
    assert response.status_code == 302

    assert browser.get("/settings/").status_code == 302
    assert api.get("/api/v1/me/").status_code == 401
    assert (
        api_client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json").status_code == 401
    )
    assert BlacklistedToken.objects.filter(token__user=owner).exists()
    assert not User.objects.get(pk=owner.pk).is_active


def test_deactivate_in_change_form_locks_out_on_the_next_request(admin_client, owner):
    browser = Client()
    browser.force_login(owner)
    assert browser.get("/settings/").status_code == 200
    response = admin_client.post(
        f"{LIST}{owner.pk}/change/",
        {"username": "owner", "email": "owner@example.com", "language": "en", "timezone": "UTC"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not User.objects.get(pk=owner.pk).is_active
    assert browser.get("/settings/").status_code == 302


def test_activate_action(admin_client):
    sleepy = UserFactory(username="sleepy", is_active=False)
    admin_client.post(LIST, {"action": "activate_users", "_selected_action": [sleepy.pk]})
    assert User.objects.get(pk=sleepy.pk).is_active
    assert Client().post("/accounts/login/", {"username": "sleepy", "password": PASSWORD}).status_code == 302


def test_admin_cannot_deactivate_themselves(admin_client, admin_user):
    admin_client.post(LIST, {"action": "deactivate_users", "_selected_action": [admin_user.pk]})
    assert User.objects.get(pk=admin_user.pk).is_active


def test_delete_confirmation_lists_counts_not_entries(admin_client, owner, local_photo_store,
                                                      django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from diary.attachments import attachment_create
    from diary.tests.photo_files import jpeg

    entry = EntryFactory(user=owner, title="Private title")
    attachment_create(entry=entry, source=SimpleUploadedFile("p.jpg", jpeg()), caption="Private caption")
    response = admin_client.get(f"{LIST}{owner.pk}/delete/")
    html = response.content.decode()
    assert response.status_code == 200 and "Private title" not in html and "Private caption" not in html
    assert "Photos: 1" in html
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"{LIST}{owner.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(pk=owner.pk).exists()
    assert local_photo_store.names() == []  # the account's files went with it


def test_no_journal_or_token_model_is_in_the_admin():
    registered = {model._meta.label for model in admin.site._registry}
    journal = {"diary.DiaryEntry", "diary.Attachment", "conversations.ConversationHistory", "diary.ImportJob"}
    assert not journal & registered
    assert not {"token_blacklist.OutstandingToken", "token_blacklist.BlacklistedToken"} & registered


def test_admin_cannot_add_users_with_a_password_they_know(admin_client):
    assert admin_client.get(f"{LIST}add/").status_code == 403
