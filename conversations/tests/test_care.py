"""The same net under every provider: a message that shows a sign of crisis brings the user's help lines."""

import pytest

from conversations.crisis import CARE_PROMPT, reply_with_care
from conversations.models import ConversationHistory
from conversations.services import message_send


def _in(owner, zone: str, language: str = "en"):
    owner.timezone, owner.language = zone, language
    owner.save()
    return owner


def test_reply_with_care_adds_the_lines_once(owner):
    owner.timezone = "Europe/London"
    once = reply_with_care(reply="I'm here.", user=owner, language="en")
    assert "Samaritans" in once and "116 123" in once and "999" in once
    assert reply_with_care(reply=once, user=owner, language="en") == once


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["supportive", "reflective", "coaching", "gratitude"])
def test_offline_reply_to_a_crisis_carries_the_users_lines_and_no_coaching(owner, mode):
    _in(owner, "Europe/London")
    reply = message_send(user=owner, mode=mode, content="I want to kill myself.").reply.content
    assert "Samaritans" in reply and "116 123" in reply and "999" in reply
    assert "988" not in reply  # the US line is not the UK's
    assert "step" not in reply.lower() and "good thing" not in reply.lower()


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "language", "content", "expected", "absent"), [
    ("America/Chicago", "en", "I have pills saved up.", ["988", "911"], ["Samaritans"]),
    ("Europe/Dublin", "en", "Everyone would be better off without me.", ["Pieta", "1800 247 247", "112"], ["988"]),
    ("Europe/Warsaw", "pl", "Nie widzę sensu życia.", ["116 123", "800 70 2222", "112"], ["988"]),
    ("UTC", "en", "I can't go on.", ["findahelpline.com", "emergency number"], ["988", "Samaritans"]),
    ("UTC", "pl", "chce umrzec", ["116 123", "112"], ["988"]),
])
def test_the_lines_follow_the_users_country(owner, zone, language, content, expected, absent):
    _in(owner, zone, language)
    reply = message_send(user=owner, mode="supportive", content=content).reply.content
    assert all(part in reply for part in expected), reply
    assert not any(part in reply for part in absent), reply


@pytest.mark.django_db
def test_a_chosen_country_wins_over_the_time_zone(owner):
    _in(owner, "Europe/Warsaw", "en")
    owner.help_country = "US"
    owner.save()
    reply = message_send(user=owner, mode="reflective", content="I feel hopeless tonight.").reply.content
    assert "988" in reply and "800 70 2222" not in reply


@pytest.mark.django_db
def test_an_ordinary_message_brings_no_lines(owner):
    _in(owner, "Europe/London")
    reply = message_send(user=owner, mode="supportive", content="I'm dying to see the new film.").reply.content
    assert "116 123" not in reply


@pytest.mark.django_db
def test_a_model_is_asked_for_care_and_its_reply_gets_the_lines(
    owner, openai, tasks_inline, django_capture_on_commit_callbacks
):
    _in(owner, "Europe/London")
    server = openai(lambda n: ("ok", "That sounds so painful. I'm here with you."))
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(user=owner, mode="coaching", content="I keep thinking about suicide.").message
    reply = ConversationHistory.objects.get(reply_to=message).content
    assert reply.startswith("That sounds so painful.")
    assert "Samaritans" in reply and "116 123" in reply
    system = server.received[0]["body"]["messages"][0]["content"]
    assert CARE_PROMPT["en"] in system


@pytest.mark.django_db
def test_an_ordinary_message_asks_the_model_for_nothing_more(owner, openai, tasks_inline,
                                                              django_capture_on_commit_callbacks):
    server = openai()
    with django_capture_on_commit_callbacks(execute=True):
        message_send(user=owner, mode="coaching", content="Work was a lot today.")
    assert CARE_PROMPT["en"] not in server.received[0]["body"]["messages"][0]["content"]


@pytest.mark.django_db
def test_a_failed_model_still_shows_the_lines_on_the_page_and_in_the_api(
    owner, owner_client, openai, tasks_inline, django_capture_on_commit_callbacks
):
    _in(owner, "Europe/Warsaw", "pl")
    openai(lambda n: ("status", 503))
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post("/chat/supportive/", {"content": "Chcę się zabić"})
    page = owner_client.get("/chat/supportive/").content.decode()
    assert "116 123" in page and "800 70 2222" in page and "112" in page
    assert 'id="care-panel" open' in page
    message = ConversationHistory.objects.get(user=owner, role="user")
    body = owner_client.get(f"/api/v1/conversations/supportive/messages/{message.pk}/").json()
    assert "116 123" in str(body)


@pytest.mark.django_db
def test_a_model_that_times_out_still_shows_the_lines(owner, owner_client, openai, tasks_inline,
                                                      django_capture_on_commit_callbacks):
    _in(owner, "Europe/London")
    openai(lambda n: ("slow", 3), timeout=0.5)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post("/chat/supportive/", {"content": "I don't want to be here anymore."})
    page = owner_client.get("/chat/supportive/").content.decode()
    assert "could not answer just now" in page and "Samaritans" in page


@pytest.mark.django_db
def test_while_a_reply_is_written_the_help_panel_is_already_open(owner, owner_client, openai, tasks_held):
    _in(owner, "Europe/London")
    openai()
    owner_client.post("/chat/gratitude/", {"content": "I have a noose ready."})
    page = owner_client.get("/chat/gratitude/").content.decode()
    assert 'id="care-panel" open' in page and "Samaritans" in page


def test_no_reply_wording_diagnoses():
    from conversations import phrases

    for table in (phrases.MODE_BODY, phrases.MODE_QUESTIONS):
        text = repr(table).lower()
        for word in ("you have depression", "disorder", "you are depressed", "masz depresję", "zaburzenie"):
            assert word not in text
