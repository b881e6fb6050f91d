"""Crisis phrases in Polish and English bring crisis resources, whatever the provider."""

import pytest

from conversations.care import crisis_detect, reply_with_care
from conversations.models import ConversationHistory
from conversations.services import message_send

ENGLISH_CRISIS = [
    "I want to kill myself",
    "I've been thinking about suicide a lot",
    "Sometimes I feel suicidal",
    "I don't want to live anymore",
    "I want to end my life",
    "I started cutting myself again",
    "I keep thinking about self-harm",
    "Everyone would be better off dead without me, I'd be better off dead",
    "I'm not safe at home, he is going to kill me",
    "I am in danger",
]
POLISH_CRISIS = [
    "Chcę się zabić",
    "Myślę o samobójstwie",
    "Mam myśli samobójcze",
    "Nie chcę już żyć",
    "chce umrzec",
    "Chcę odebrać sobie życie",
    "Znowu się tnę, tnę się co wieczór",
    "Samookaleczam się",
    "Zrobię sobie krzywdę",
    "Jestem w niebezpieczeństwie",
    "Boję się o swoje życie, on mnie bije mnie codziennie",
]
ORDINARY = [
    "I had a lovely day at the lake.",
    "This deadline is killing me, haha.",
    "I'm dying to see the new film.",
    "Mam dość tej pracy, ale jakoś dam radę.",
    "Zabiję czas czytaniem książki.",
]


@pytest.mark.parametrize("text", ENGLISH_CRISIS + POLISH_CRISIS)
def test_crisis_phrases_are_recognised(text):
    assert crisis_detect(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_everyday_words_are_not_a_crisis(text):
    assert not crisis_detect(text)


def test_reply_with_care_adds_resources_once():
    once = reply_with_care(reply="I'm here.", language="en")
    assert "988" in once and "116 123" in once and "emergency number" in once
    assert reply_with_care(reply=once, language="en") == once


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["supportive", "coaching", "gratitude"])
def test_offline_reply_to_english_crisis_carries_us_uk_and_emergency_resources(owner, mode):
    result = message_send(user=owner, mode=mode, content="I want to kill myself.")
    reply = result.reply.content
    assert "988" in reply and "Samaritans" in reply and "116 123" in reply and "emergency number" in reply
    assert "step" not in reply.lower()  # no coaching of a crisis


@pytest.mark.django_db
def test_offline_reply_to_polish_crisis_carries_polish_resources(owner):
    result = message_send(user=owner, mode="reflective", content="Nie chcę już żyć.")
    reply = result.reply.content
    assert "116 123" in reply and "112" in reply
    assert "988" not in reply


@pytest.mark.django_db
def test_polish_resources_follow_the_users_language_for_a_short_message(owner):
    owner.language = "pl"
    owner.save()
    result = message_send(user=owner, mode="supportive", content="suicide")
    assert "116 123" in result.reply.content and "112" in result.reply.content


@pytest.mark.django_db
def test_openai_reply_to_crisis_gets_resources_appended(
    owner, openai, tasks_inline, django_capture_on_commit_callbacks
):
    openai(lambda n: ("ok", "That sounds so painful. I'm here with you."))
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(user=owner, mode="supportive", content="I keep thinking about suicide.").message
    reply = ConversationHistory.objects.get(reply_to=message).content
    assert reply.startswith("That sounds so painful.")
    assert "988" in reply and "116 123" in reply


@pytest.mark.django_db
def test_failed_reply_to_crisis_still_shows_resources(owner, owner_client, openai, tasks_inline,
                                                     django_capture_on_commit_callbacks):
    openai(lambda n: ("status", 503))
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post("/chat/supportive/", {"content": "Chcę się zabić"})
    page = owner_client.get("/chat/supportive/").content.decode()
    assert "could not answer just now" in page
    assert "116 123" in page and "112" in page


def test_no_reply_wording_diagnoses():
    from conversations import phrases

    for table in (phrases.MODE_BODY, phrases.MODE_QUESTIONS):
        text = repr(table).lower()
        for word in ("you have depression", "disorder", "you are depressed", "masz depresję", "zaburzenie"):
            assert word not in text
