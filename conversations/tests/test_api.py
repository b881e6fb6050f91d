"""/api/v1/conversations/<mode>/messages/: GET pages, POST, DELETE; isolation and query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIRequestFactory, force_authenticate

from conversations import api
from conversations.models import ConversationHistory
from conversations.providers import OfflineProvider
from conversations.tests.factories import MessageFactory
from diary.tests.factories import EntryFactory

URL = "/api/v1/conversations/supportive/messages/"


def _history(user, count, mode="supportive"):
    start = timezone.now() - timedelta(hours=2)
    return [
        MessageFactory(
            user=user, mode=mode, content=f"m{i}", status="answered", created_at=start + timedelta(seconds=i)
        )
        for i in range(count)
    ]


def test_history_is_paginated_newest_page_first_oldest_first_within(owner_api, owner):
    _history(owner, 75)
    first = owner_api.get(URL).json()
    assert [m["content"] for m in first["results"]] == [f"m{i}" for i in range(45, 75)]
    assert first["previous"] is None and first["next"]
    second = owner_api.get(first["next"]).json()
    assert [m["content"] for m in second["results"]] == [f"m{i}" for i in range(15, 45)]
    third = owner_api.get(second["next"]).json()
    assert [m["content"] for m in third["results"]] == [f"m{i}" for i in range(0, 15)]
    assert third["next"] is None
    back = owner_api.get(third["previous"]).json()
    assert [m["content"] for m in back["results"]] == [f"m{i}" for i in range(15, 45)]
    assert set(first["results"][0]) == {"id", "role", "content", "status", "reply_to", "created_at"}


def test_messages_with_the_same_time_are_paged_without_loss(owner_api, owner):
    moment = timezone.now()
    for i in range(35):
        MessageFactory(user=owner, content=f"same{i}", created_at=moment)
    first = owner_api.get(URL).json()
    second = owner_api.get(first["next"]).json()
    seen = [m["content"] for m in second["results"] + first["results"]]
    assert seen == [f"same{i}" for i in range(35)]


def test_a_bad_cursor_is_400(owner_api):
    response = owner_api.get(URL + "?before=abc")
    assert response.status_code == 400 and "before" in response.json()


def test_post_offline_is_201_with_message_and_reply(owner_api, owner):
    response = owner_api.post(URL, {"content": "  I am proud of myself today.  "}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["message"]["content"] == "I am proud of myself today."
    assert body["message"]["role"] == "user" and body["message"]["status"] == "answered"
    assert body["reply"]["role"] == "assistant" and body["reply"]["reply_to"] == body["message"]["id"]
    assert ConversationHistory.objects.filter(user=owner, mode="supportive").count() == 2


@pytest.mark.parametrize("content", ["", "   ", "x" * 10_001])
def test_empty_or_too_long_message_is_400(owner_api, content):
    response = owner_api.post(URL, {"content": content}, format="json")
    assert response.status_code == 400 and "content" in response.json()
    assert ConversationHistory.objects.count() == 0


def test_missing_content_is_400(owner_api):
    assert owner_api.post(URL, {}, format="json").status_code == 400


def test_unknown_mode_is_404(owner_api):
    assert owner_api.get("/api/v1/conversations/angry/messages/").status_code == 404
    assert owner_api.post("/api/v1/conversations/angry/messages/", {"content": "hi"}, format="json").status_code == 404


def test_delete_clears_the_mode(owner_api, owner):
    _history(owner, 4)
    _history(owner, 2, mode="coaching")
    assert owner_api.delete(URL).status_code == 204
    assert not ConversationHistory.objects.filter(user=owner, mode="supportive").exists()
    assert ConversationHistory.objects.filter(user=owner, mode="coaching").count() == 2


def test_outsider_can_neither_read_write_nor_clear_anothers_history(owner, outsider_api):
    mine = _history(owner, 3)
    listing = outsider_api.get(URL).json()
    assert listing["results"] == []
    outsider_api.post(URL, {"content": "hello"}, format="json")
    outsider_api.delete(URL)
    assert ConversationHistory.objects.filter(user=owner).count() == 3
    assert outsider_api.get(f"{URL}{mine[0].pk}/").status_code == 404
    assert outsider_api.post(f"{URL}{mine[0].pk}/retry/").status_code == 404
    assert ConversationHistory.objects.get(pk=mine[0].pk).content == "m0"


def test_status_of_a_reply_row_is_404(owner, owner_api):
    response = owner_api.post(URL, {"content": "hi"}, format="json").json()
    assert owner_api.get(f"{URL}{response['reply']['id']}/").status_code == 404
    assert owner_api.get(f"{URL}{response['message']['id']}/").json()["status"] == "answered"


@pytest.mark.django_db
def test_anonymous_is_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {"content": "hi"}, format="json").status_code == 401


def _call(view, method, user, path, data=None, **kwargs):
    factory = APIRequestFactory()
    request = getattr(factory, method)(path, data, format="json")
    force_authenticate(request, user=user)
    return view.as_view()(request, **kwargs)


def test_list_is_one_query_however_long_the_history(owner, django_assert_num_queries):
    _history(owner, 120)
    # 1. one page (size + 1 rows) of the mode's history
    with django_assert_num_queries(1):
        response = _call(api.MessageListApi, "get", owner, URL, mode="supportive")
    assert len(response.data["results"]) == 30


def test_post_offline_query_count(owner, django_assert_num_queries):
    _history(owner, 50)
    # 1. INSERT the message  2. SELECT the recent turns for the context
    # 3. UPDATE the message to answered  4. INSERT the reply (savepoints are not counted)
    with django_assert_num_queries(4):
        response = _call(api.MessageListApi, "post", owner, URL, {"content": "Hello"}, mode="supportive")
    assert response.status_code == 201


def test_post_offline_with_consent_reads_the_entries_too(owner, django_assert_num_queries, monkeypatch):
    owner.ai_can_read_entries = True
    owner.save()
    EntryFactory(user=owner, title="Shared", content="A walk by the river.", emotion_tags=["calm"])
    EntryFactory(user=owner, title="Private", content="Not for the companion.", exclude_from_ai=True)
    seen = []
    reply = OfflineProvider.reply
    monkeypatch.setattr(OfflineProvider, "reply", lambda self, context: seen.append(context) or reply(self, context))
    # 1. INSERT  2. recent turns  3. recent entries  4. UPDATE  5. INSERT the reply
    with django_assert_num_queries(5):
        response = _call(api.MessageListApi, "post", owner, URL, {"content": "Hello"}, mode="supportive")
    assert response.status_code == 201
    [context] = seen
    assert [(note.title, note.excerpt, note.emotions) for note in context.entries] == [
        ("Shared", "A walk by the river.", ("calm",))
    ]
    assert "A walk by the river." in context.entries_summary()


def test_status_query_count(owner, django_assert_num_queries):
    message = MessageFactory(user=owner, status="answered")
    MessageFactory(user=owner, role="assistant", reply_to=message)
    # 1. the message (owned, in this mode)  2. its reply
    with django_assert_num_queries(2):
        response = _call(
            api.MessageStatusApi, "get", owner, f"{URL}{message.pk}/", mode="supportive", message_id=message.pk
        )
    assert response.data["status"] == "answered" and response.data["reply"]


def test_delete_is_one_query(owner, django_assert_num_queries):
    _history(owner, 40)
    # 1. DELETE the mode's rows in one statement
    with django_assert_num_queries(1):
        response = _call(api.MessageListApi, "delete", owner, URL, mode="supportive")
    assert response.status_code == 204
