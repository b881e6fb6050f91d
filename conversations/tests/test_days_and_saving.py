"""The conversation page: a heading per day, and keeping a conversation in the diary."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import timezone

from conversations import views
from conversations.tests.factories import MessageFactory
from diary.models import DiaryEntry

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _exchange(user, when, mode="reflective", text="I walked by the sea", reply="What did you notice?"):
    message = MessageFactory(user=user, mode=mode, role="user", status="answered", content=text, created_at=when)
    answer = MessageFactory(
        user=user, mode=mode, role="assistant", content=reply, created_at=when + timedelta(seconds=1), reply_to=message
    )
    return message, answer


def _noon(days_ago: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(12)))


def _minutes_ago_today(minutes: int) -> datetime:
    """A few minutes ago, but never yesterday: the tests mean the same at 00:03 as at noon."""
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return max(timezone.now() - timedelta(minutes=minutes), start_of_today)


def test_days_are_headings_and_bubbles_show_only_the_time(owner_client, owner):
    _exchange(owner, _noon(days_ago=3))
    _exchange(owner, _noon(days_ago=3) + timedelta(minutes=5))
    _exchange(owner, _minutes_ago_today(5))
    html = owner_client.get("/chat/reflective/").content.decode()
    assert html.count('class="chat-day"') == 2  # two days, however many exchanges each
    assert ">Today</h2>" in html
    earlier = timezone.localdate() - timedelta(days=3)
    assert f'data-day="{earlier.isoformat()}"' in html
    # The bubble's time has no date in it any more.
    bubble_time = html.split('<p class="bubble-meta"><time')[1].split("</time>")[0]
    assert "," not in bubble_time.split(">", 1)[1]


def test_days_follow_the_users_time_zone_and_language(owner_client, owner):
    owner.timezone, owner.language = "Pacific/Auckland", "pl"
    owner.save()
    zone = ZoneInfo("Pacific/Auckland")
    local_today = timezone.now().astimezone(zone).date()
    _exchange(owner, datetime.combine(local_today - timedelta(days=1), datetime.min.time(), zone) + timedelta(hours=23))
    html = owner_client.get("/chat/reflective/").content.decode()
    assert ">Wczoraj</h2>" in html


def test_new_exchange_from_htmx_carries_its_day(owner_client, owner):
    response = owner_client.post("/chat/supportive/", {"content": "hello there friend"}, **HTMX)
    assert response.status_code == 201
    assert f'data-day="{timezone.localdate().isoformat()}"' in response.content.decode()


def test_save_keeps_the_conversation_as_an_entry(owner_client, owner):
    _exchange(owner, _noon(days_ago=1), text="Sea walk", reply="How was it?")
    _exchange(owner, _minutes_ago_today(3), text="Calmer now", reply="What helped?")
    MessageFactory(user=owner, mode="supportive", content="another mode")
    response = owner_client.post("/chat/reflective/save/")
    entry = DiaryEntry.objects.get(user=owner)
    assert response.status_code == 302 and response["Location"] == f"/diary/{entry.pk}/"
    assert entry.title == "Conversation with the companion · Reflective"
    assert entry.content.index("Sea walk") < entry.content.index("How was it?") < entry.content.index("Calmer now")
    assert "another mode" not in entry.content
    assert entry.content.count("## ") == 2 and "**You**" in entry.content and "**Companion**" in entry.content
    assert entry.excerpt and entry.word_count > 0
    page = owner_client.get(response["Location"]).content.decode()
    assert "The conversation is saved in your diary." in page


def test_save_in_polish(owner_client, owner):
    owner.language = "pl"
    owner.save()
    _exchange(owner, timezone.now(), mode="gratitude")
    owner_client.post("/chat/gratitude/save/")
    entry = DiaryEntry.objects.get(user=owner)
    assert entry.title == "Rozmowa z towarzyszem · Wdzięczność"
    assert "**Ty**" in entry.content and "**Towarzysz**" in entry.content


def test_save_up_to_a_message_leaves_later_ones_out(owner_client, owner):
    _, answer = _exchange(owner, timezone.now() - timedelta(hours=2), text="early words")
    _exchange(owner, timezone.now() - timedelta(hours=1), text="later words")
    owner_client.post("/chat/reflective/save/", {"message": answer.pk})
    content = DiaryEntry.objects.get(user=owner).content
    assert "early words" in content and "later words" not in content


def test_outsider_gets_404_for_another_users_message_and_nothing_is_saved(client, owner, outsider):
    message, _ = _exchange(owner, timezone.now())
    client.force_login(outsider)
    assert client.post("/chat/reflective/save/", {"message": message.pk}).status_code == 404
    assert client.post("/chat/supportive/save/", {"message": message.pk}).status_code == 404
    assert not DiaryEntry.objects.exists()


@pytest.mark.parametrize("value", ["abc", "-1", "1" * 30, "²"])
def test_bad_message_id_is_404_not_500(owner_client, value):
    assert owner_client.post("/chat/reflective/save/", {"message": value}).status_code == 404


def test_empty_conversation_cannot_be_saved(owner_client, owner):
    response = owner_client.post("/chat/coaching/save/")
    assert response.status_code == 400 and b"nothing to save yet" in response.content
    assert not DiaryEntry.objects.exists()


def test_save_needs_post(owner_client):
    assert owner_client.get("/chat/reflective/save/").status_code == 405


def test_save_needs_sign_in(client):
    response = client.post("/chat/reflective/save/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_save_button_only_with_messages(owner_client, owner):
    assert b"Save to diary" not in owner_client.get("/chat/reflective/").content
    _exchange(owner, timezone.now())
    assert b"Save to diary" in owner_client.get("/chat/reflective/").content


def test_save_query_count(owner, django_assert_num_queries):
    for i in range(30):
        _exchange(owner, timezone.now() - timedelta(minutes=60 - i))
    request = RequestFactory().post("/chat/reflective/save/")
    request.user = owner
    request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
    # 1. the conversation's newest messages (one index scan)
    # 2. UPDATE of the account's text bytes, within its budget (docs/limits.md)
    # 3. INSERT of the entry (savepoints are not counted)
    with django_assert_num_queries(3):
        response = views.chat_save(request, mode="reflective")
    assert response.status_code == 302
