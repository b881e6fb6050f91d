"""The /chat/ pages, with htmx and with JavaScript off."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from conversations import views
from conversations.models import ConversationHistory
from conversations.tests.factories import MessageFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def _history(user, mode="supportive", count=10, start=None):
    start = start or timezone.now() - timedelta(hours=1)
    return [
        MessageFactory(
            user=user,
            mode=mode,
            role="user" if i % 2 == 0 else "assistant",
            status="answered",
            content=f"message number {i}",
            created_at=start + timedelta(seconds=i),
        )
        for i in range(count)
    ]


@pytest.mark.django_db
def test_pages_need_sign_in(client):
    for path in ("/chat/", "/chat/supportive/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_mode_is_404(owner_client):
    assert owner_client.get("/chat/angry/").status_code == 404
    assert owner_client.post("/chat/angry/", {"content": "hi"}).status_code == 404
    assert owner_client.post("/chat/angry/clear/").status_code == 404


def test_index_lists_modes_with_each_last_message(owner_client, owner, outsider):
    _history(owner, "supportive", 3)
    _history(owner, "coaching", 2)
    MessageFactory(user=outsider, mode="reflective", content="outsider words")
    page = owner_client.get("/chat/").content.decode()
    for name in ("Supportive", "Reflective", "Coaching", "Gratitude"):
        assert name in page
    assert "message number 2" in page and "message number 1" in page
    assert "message number 0" not in page
    assert "outsider words" not in page
    assert page.count("No messages yet.") == 2


def test_index_is_one_query_however_many_modes_and_messages(owner, django_assert_num_queries):
    for mode in ("supportive", "reflective", "coaching", "gratitude"):
        _history(owner, mode, 6)
    request = RequestFactory().get("/chat/")
    request.user = owner
    # 1. the last message of each mode (four index probes in one statement)
    with django_assert_num_queries(1):
        response = views.chat_index(request)
    assert response.status_code == 200


def test_long_last_message_is_cut(owner_client, owner):
    MessageFactory(user=owner, content="word " * 200)
    page = owner_client.get("/chat/").content.decode()
    assert "word " * 20 in page and "word " * 60 not in page


def test_mode_page_shows_history_oldest_first_and_says_how_long_it_is_kept(owner_client, owner):
    _history(owner, count=4)
    page = owner_client.get("/chat/supportive/").content.decode()
    positions = [page.index(f"message number {i}") for i in range(4)]
    assert positions == sorted(positions)
    assert "kept for 30 days" in page
    assert 'name="content"' in page and "Clear history" in page


def test_mode_page_query_count_does_not_grow_with_history(owner, django_assert_num_queries):
    _history(owner, count=80)
    MessageFactory(user=owner, status="failed", content="failed one")
    MessageFactory(user=owner, status="pending", content="pending one")
    request = RequestFactory().get("/chat/supportive/")
    request.user = owner
    # 1. the newest page of the mode's history (PAGE_SIZE + 1 rows through the user/mode/time index)
    with django_assert_num_queries(1):
        response = views.chat_mode(request, mode="supportive")
    content = response.content.decode()
    assert "failed one" in content and "could not answer just now" in content
    assert "pending one" in content and "thinking" in content


def test_older_messages_load_page_by_page(owner_client, owner):
    _history(owner, count=70)
    page = owner_client.get("/chat/supportive/").content.decode()
    assert "message number 69" in page and "message number 39" not in page
    link = page.split('class="chat-older" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    older = owner_client.get(link).content.decode()  # JavaScript off: the page itself
    assert "message number 39" in older and "message number 69" not in older
    assert "Back to the newest messages" in older

    cursor = link.split("before=", 1)[1]
    fragment = owner_client.get(f"/chat/supportive/older/?before={cursor}", **HTMX).content.decode()
    assert "message number 39" in fragment and "<html" not in fragment
    assert "message number 9" not in fragment and 'class="chat-older"' in fragment


def test_older_without_htmx_redirects_to_the_page(owner_client):
    response = owner_client.get("/chat/supportive/older/?before=1700000000000000-5")
    assert response.status_code == 302 and response["Location"] == "/chat/supportive/?before=1700000000000000-5"


def test_a_malformed_cursor_shows_the_newest_page(owner_client, owner):
    _history(owner, count=3)
    response = owner_client.get("/chat/supportive/?before=nonsense")
    assert response.status_code == 200 and b"message number 2" in response.content


def test_post_without_javascript_redirects_and_the_reply_is_on_the_page(owner_client, owner):
    response = owner_client.post("/chat/coaching/", {"content": "I worry about my exam."})
    assert response.status_code == 302 and response["Location"] == "/chat/coaching/#latest"
    page = owner_client.get("/chat/coaching/").content.decode()
    assert "I worry about my exam." in page
    reply = ConversationHistory.objects.get(user=owner, role="assistant")
    assert reply.mode == "coaching" and reply.provider == "offline"
    assert reply.content.split(".")[0] in page


def test_post_with_htmx_returns_only_the_new_exchange(owner_client):
    response = owner_client.post("/chat/supportive/", {"content": "I feel lonely."}, **HTMX)
    assert response.status_code == 201
    html = response.content.decode()
    assert "<html" not in html and 'class="exchange"' in html
    assert "I feel lonely." in html and "bubble-assistant" in html


@pytest.mark.parametrize("content", ["", "   ", "x" * 10_001])
def test_bad_message_is_400_and_keeps_the_text(owner_client, content):
    response = owner_client.post("/chat/supportive/", {"content": content})
    assert response.status_code == 400
    page = response.content.decode()
    assert "field-error" in page
    if content.strip():
        assert content in page  # the text is still in the box
    assert ConversationHistory.objects.count() == 0


def test_bad_message_with_htmx_is_400_retargeted_at_the_errors(owner_client):
    response = owner_client.post("/chat/supportive/", {"content": ""}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#compose-errors"
    assert b"Write a message first." in response.content


def test_a_message_of_exactly_10000_characters_is_accepted(owner_client):
    assert owner_client.post("/chat/supportive/", {"content": "x" * 10_000}).status_code == 302


def test_pending_reply_polls_and_shows_thinking(owner_client, owner, openai, tasks_held):
    openai()
    response = owner_client.post("/chat/supportive/", {"content": "Hello"}, **HTMX)
    html = response.content.decode()
    message = ConversationHistory.objects.get()
    assert f'hx-get="/chat/supportive/messages/{message.pk}/reply/?n=1"' in html
    assert "thinking" in html
    poll = owner_client.get(f"/chat/supportive/messages/{message.pk}/reply/?n=3", **HTMX).content.decode()
    assert "thinking" in poll and 'hx-trigger="load delay:5s"' in poll and "?n=4" in poll

    from conversations.tasks import generate_reply

    generate_reply(message.pk)
    poll = owner_client.get(f"/chat/supportive/messages/{message.pk}/reply/", **HTMX).content.decode()
    assert "Fake reply 0." in poll and "hx-trigger" not in poll


def test_page_without_javascript_refreshes_while_a_reply_is_pending(owner_client, owner):
    MessageFactory(user=owner, status="pending")
    page = owner_client.get("/chat/supportive/").content.decode()
    assert '<noscript><meta http-equiv="refresh"' in page


def test_retry_without_javascript(owner_client, owner):
    message = MessageFactory(user=owner, status="failed", content="try me again")
    response = owner_client.post(f"/chat/supportive/messages/{message.pk}/retry/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "answered"
    assert ConversationHistory.objects.filter(reply_to=message).exists()


def test_retry_with_htmx_moves_the_exchange_to_the_end(owner_client, owner):
    message = MessageFactory(user=owner, status="failed", content="try me again")
    response = owner_client.post(f"/chat/supportive/messages/{message.pk}/retry/", **HTMX)
    html = response.content.decode()
    assert f'<div id="exchange-{message.pk}" hx-swap-oob="delete"></div>' in html
    assert "bubble-assistant" in html


def test_clear_needs_post_and_deletes_only_that_mode(owner_client, owner, outsider):
    _history(owner, "supportive", 4)
    _history(owner, "coaching", 2)
    _history(outsider, "supportive", 2)
    confirm = owner_client.get("/chat/supportive/clear/")
    assert confirm.status_code == 200 and b"cannot be undone" in confirm.content
    assert ConversationHistory.objects.filter(user=owner, mode="supportive").count() == 4
    response = owner_client.post("/chat/supportive/clear/")
    assert response.status_code == 302
    assert not ConversationHistory.objects.filter(user=owner, mode="supportive").exists()
    assert ConversationHistory.objects.filter(user=owner, mode="coaching").count() == 2
    assert ConversationHistory.objects.filter(user=outsider).count() == 2


def test_outsider_gets_404_for_anothers_message(client, owner, outsider):
    message = MessageFactory(user=owner, status="failed", content="mine")
    client.force_login(outsider)
    assert client.get(f"/chat/supportive/messages/{message.pk}/reply/", **HTMX).status_code == 404
    assert client.post(f"/chat/supportive/messages/{message.pk}/retry/").status_code == 404
    client.post("/chat/supportive/clear/")
    page = client.get("/chat/supportive/").content.decode()
    assert "mine" not in page
    message.refresh_from_db()
    assert message.status == "failed" and ConversationHistory.objects.count() == 1


def test_a_message_is_404_under_another_mode(owner_client, owner):
    message = MessageFactory(user=owner, status="failed")
    assert owner_client.post(f"/chat/coaching/messages/{message.pk}/retry/").status_code == 404


def test_page_uses_vendored_htmx_without_inline_script_or_style(owner_client):
    page = owner_client.get("/chat/supportive/").content.decode()
    assert '<script src="/static/js/htmx.min.js"' in page and '<script src="/static/js/chat.js"' in page
    assert "<script>" not in page and "<style" not in page and 'style="' not in page
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page


def test_pages_speak_polish(owner_client, owner):
    owner.language = "pl"
    owner.save()
    page = owner_client.get("/chat/supportive/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "30 dni" in page
