"""The built-in companion's wording: never an echo, each mode its own voice, natural Polish."""

import re

import pytest

from conversations import phrases
from conversations.context import Context
from conversations.modes import mode_system_prompt
from conversations.providers import ECHO_WORDS, OfflineProvider
from diary.excerpts import fold

MODES = ("supportive", "reflective", "coaching", "gratitude")
MESSAGES = {
    "en": (
        "And for my daughter Zosia",
        "My sister called me today. We talked for an hour about our childhood home.",
        "I feel so anxious and lonely since I moved to the new flat.",
        "I'm stressed about the deadline and tired.",
        "Work was boring but lunch with Ana was nice.",
        "Why do I always end up doing everything myself?",
        "ok",
        "Hi.",
        "Take all the space you need, my therapist said, and I am listening now.",
        "That sounds really hard, and it makes sense that you feel this way.",
        "My daughter made me breakfast today and it was lovely.",
        "Slept badly again, the neighbours were loud until three in the morning.",
    ),
    "pl": (
        "A dla mojej córki Zosi",
        "Siostra zadzwoniła do mnie dzisiaj. Rozmawiałyśmy godzinę o domu z dzieciństwa.",
        "Czuję się bardzo samotna od kiedy się przeprowadziłam.",
        "Jestem zmęczona i zła na szefa, ciągle te same terminy.",
        "Martwię się egzaminem w piątek.",
        "Czemu zawsze wszystko muszę robić sama?",
        "ok",
        "Cześć",
        "Dziękuję, że mi o tym piszesz, tak mi powiedziała koleżanka.",
        "Córka zrobiła mi dziś śniadanie, było bardzo miło.",
        "Znowu źle spałam, sąsiedzi hałasowali do trzeciej w nocy.",
        "Spacer po lesie z psem",
    ),
}
# What a translation from English sounds like, and gendered "-(a)" forms a native writer avoids.
BAD_POLISH = (
    "Sporo w tym dla Ciebie jest", "(-a)", "łeś lub", "łbyś lub", "Słyszę Cię:", "ubierasz to w słowa",
    "jest tu mile widziane", "są tu mile widziane", "do zauważenia", "Zróbmy to wykonalnym", "Weź tyle miejsca",
    "pojawia się:", "mówią o tym:", "w tym, co piszesz:",
)
_WORD = re.compile(r"[^\W_]+")


def _reply(mode, language, *messages):
    provider, turns, reply = OfflineProvider(), [], ""
    for text in messages:
        turns.append(("user", text))
        context = Context(
            mode=mode, language=language, system_prompt=mode_system_prompt(mode=mode, language=language),
            turns=tuple(turns),
        )
        reply = provider.reply(context)
        turns.append(("assistant", reply))
    return reply


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = _WORD.findall(fold(text))
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("mode", MODES)
def test_no_reply_repeats_four_words_of_the_message_in_a_row(mode, language):
    for message in MESSAGES[language]:
        reply = _reply(mode, language, message)
        assert not _runs(reply, ECHO_WORDS) & _runs(message, ECHO_WORDS), (message, reply)
        assert "“" not in reply and "„" not in reply


def test_a_message_made_of_the_companions_own_words_is_not_echoed():
    # The user pastes a sentence the companion might say: it chooses other words.
    for message in phrases.MODE_BODY["supportive"]["hard"]["en"]:
        reply = _reply("supportive", "en", message)
        assert not _runs(reply, ECHO_WORDS) & _runs(message, ECHO_WORDS), (message, reply)


def _own(mode: str, language: str) -> set[str]:
    """Every sentence only this mode says."""
    tables = [
        *phrases.MODE_BODY[mode].values(),
        phrases.REFLECT_FEELINGS[mode],
        phrases.QUESTION_ACK[mode],
    ]
    if mode == "gratitude":
        tables += [{language: tuple(q for step in phrases.GRATITUDE_STEPS[language] for q in step)},
                   phrases.GRATITUDE_RECEIVED, phrases.GRATITUDE_NOTED]
    else:
        tables.append(phrases.MODE_QUESTIONS[mode])
    if mode == "supportive":
        tables.append(phrases.SUPPORTIVE_LIGHT_QUESTIONS)
    own = set()
    for table in tables:
        for sentence in table[language]:
            own.add(re.sub(r"\{[a-z_]+\}.*", "", sentence).strip())  # the fixed start of a template
    return {sentence for sentence in own if len(sentence) > 8}


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("mode", MODES)
def test_each_mode_speaks_in_its_own_style(mode, language):
    mine = _own(mode, language)
    others = set().union(*(_own(other, language) for other in MODES if other != mode)) - mine
    for message in MESSAGES[language]:
        reply = _reply(mode, language, message)
        if "116 123" in reply or "lekarz" in reply or "doctor" in reply:
            continue
        assert any(sentence in reply for sentence in mine), (mode, message, reply)
        assert not any(sentence in reply for sentence in others), (mode, message, reply)


def test_reflective_mode_asks_to_look_closer_rather_than_comfort():
    # Reflective replies wonder about meaning; supportive ones validate. Losing the style fails here.
    reply = _reply("reflective", "en", "I'm stressed about the deadline and tired.")
    assert any(marker in reply for marker in ("underneath", "beneath", "notice", "mean", "closer", "similar"))
    assert "makes sense that you feel" not in reply


@pytest.mark.parametrize(("language", "message"), [
    ("en", "My daughter made me breakfast today and it was lovely."),
    ("en", "I'm grateful my friend called."),
    ("en", "A long walk in the sun this morning was so nice."),
    ("pl", "Córka zrobiła mi dziś śniadanie, było bardzo miło."),
    ("pl", "Jestem wdzięczna, że przyjaciółka zadzwoniła."),
])
def test_gratitude_receives_a_good_thing_and_does_not_ask_for_one(language, message):
    reply = _reply("gratitude", language, message)
    acknowledgements = phrases.GRATITUDE_RECEIVED[language] + phrases.REFLECT_FEELINGS["gratitude"][language]
    assert any(ack.split("{")[0] in reply for ack in acknowledgements), reply
    first_step = phrases.GRATITUDE_STEPS[language][0]
    assert not any(question in reply for question in first_step), reply
    assert reply.endswith("?")


def test_gratitude_asks_for_a_good_thing_after_a_greeting_or_something_hard():
    asks = phrases.GRATITUDE_STEPS["en"][0]
    assert any(question in _reply("gratitude", "en", "Hi.") for question in asks)
    assert any(question in _reply("gratitude", "en", "Work was awful today.") for question in asks)


def test_gratitude_goes_on_from_the_answer_given():
    steps = phrases.GRATITUDE_STEPS["en"]
    reply = _reply("gratitude", "en", "My cat slept on my lap all evening, it was lovely.", "She trusts me now.")
    assert any(question in reply for question in steps[2]), reply


def test_a_question_is_answered_as_a_question():
    reply = _reply("coaching", "en", "Why do I always end up doing everything myself?")
    assert any(ack in reply for ack in phrases.QUESTION_ACK["coaching"]["en"])


@pytest.mark.parametrize("mode", MODES)
def test_polish_replies_read_as_written_in_polish(mode):
    for message in MESSAGES["pl"]:
        reply = _reply(mode, "pl", message)
        assert not any(bad in reply for bad in BAD_POLISH), reply
        assert " the " not in reply and " and " not in reply


def test_polish_wording_has_none_of_the_known_bad_phrases():
    text = repr({name: getattr(phrases, name) for name in dir(phrases) if name.isupper()})
    for bad in BAD_POLISH:
        assert bad not in text, bad


def test_polish_feelings_take_the_accusative_after_slysze():
    reply = _reply("supportive", "pl", "Jestem dumna i mam nadzieję, że się uda.")
    assert "dumę" in reply or "duma" in reply
    assert "Słyszę w tym duma" not in reply and "Wyczuwam w Twoich słowach duma" not in reply
