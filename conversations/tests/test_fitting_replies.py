"""Replies that fit the person and the mode: no negated or opposite feeling mirrored as its positive."""

import re

import pytest

from conversations import phrases
from conversations.context import Context
from conversations.providers import OfflineProvider
from diary.lexicon import emotions_detect, valence

GOOD_NEWS = {
    language: {sentence for mode in phrases.MODE_BODY.values() for sentence in mode["good"][language]}
    | set(phrases.GRATITUDE_RECEIVED[language])
    for language in ("en", "pl")
}
POSITIVE_WORDS = {
    "en": ("happy", "joy", "hopeful", "hope", "calm", "proud", "lovely"),
    "pl": ("radość", "nadzieję", "nadzieja", "spokój", "dumę", "cieszę", "miło"),
}
# (said plainly, said negated or as its opposite)
PAIRS = {
    "en": [
        ("I'm happy today.", "I'm not happy today."),
        ("I feel hopeful.", "I feel hopeless."),
        ("I feel calm.", "I don't feel calm at all."),
        ("I'm proud of myself.", "I'm not proud of myself."),
        ("Today was good.", "Today was not good."),
    ],
    "pl": [
        ("Jestem dziś szczęśliwa.", "Nie jestem dziś szczęśliwa."),
        ("Mam nadzieję, że będzie lepiej.", "Czuję się beznadziejnie."),
        ("Czuję spokój.", "Nie czuję spokoju."),
        ("Jestem z siebie dumny.", "Nie jestem z siebie dumny."),
        ("Dzień był dobry.", "Dzień nie był dobry."),
    ],
}


def _reply(mode: str, language: str, text: str) -> str:
    from care.detector import crisis_detect

    context = Context(mode=mode, language=language, system_prompt="", turns=(("user", text),),
                      care=crisis_detect(text))
    return OfflineProvider().reply(context)


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("mode", ["supportive", "reflective", "coaching"])
def test_a_negated_or_opposite_feeling_is_never_mirrored_as_its_positive(mode, language):
    for plain, negated in PAIRS[language]:
        assert valence(plain) == "good", plain
        assert valence(negated) == "hard", negated
        reply = _reply(mode, language, negated)
        assert not any(sentence in reply for sentence in GOOD_NEWS[language]), (negated, reply)
        words = set(re.findall(r"\w+", reply.lower()))
        assert not words & set(POSITIVE_WORDS[language]), (negated, reply)


def test_hopeless_and_beznadziejnie_are_hard_feelings():
    assert emotions_detect("I feel hopeless tonight.") == ["sadness"]
    assert emotions_detect("Czuję się beznadziejnie.") == ["sadness"]
    assert emotions_detect("Nie jestem szczęśliwa.") == ["sadness"]
    assert emotions_detect("I'm not sad, just tired.") == ["tired"]  # a hard feeling negated is no feeling


@pytest.mark.parametrize(("language", "text"), [
    ("en", "My sister called me today."), ("pl", "Siostra do mnie dziś zadzwoniła."),
    ("en", "Had a coffee with my dad."), ("pl", "Byłam na spacerze w parku."),
])
def test_gratitude_mode_receives_the_good_thing(language, text):
    reply = _reply("gratitude", language, text)
    assert any(sentence in reply for sentence in phrases.GRATITUDE_RECEIVED[language]), reply
    topics = {sentence for topic in phrases.TOPICS.values() for sentence in topic[language]}
    assert not any(sentence in reply for sentence in topics), reply


def test_coaching_is_warm_not_clinical():
    for language in ("en", "pl"):
        for template in phrases.REFLECT_FEELINGS["coaching"][language]:
            assert not template.startswith(("Noted", "Okay:", "Nazwijmy to wprost")), template
    reply = _reply("coaching", "en", "I'm overwhelmed.")
    assert "useful to know" not in reply and "Noted" not in reply


def _shape(table):
    """A phrase table's structure with every sentence replaced by its placeholders."""
    if isinstance(table, dict):
        return {key: _shape(value) for key, value in table.items() if key not in ("en", "pl")} or None
    return None


def _languages(table, path=()):
    if isinstance(table, dict) and set(table) >= {"en", "pl"}:
        yield path, table["en"], table["pl"]
    elif isinstance(table, dict):
        for key, value in table.items():
            yield from _languages(value, (*path, key))


def test_both_languages_hold_the_same_set_of_replies():
    tables = {name: value for name, value in vars(phrases).items() if name.isupper() and isinstance(value, dict)}
    checked = 0
    for name, table in tables.items():
        for path, english, polish in _languages(table, (name,)):
            if isinstance(english, str):  # a word, such as LIST_AND's "and"
                continue
            assert len(english) == len(polish), path
            if name == "GRATITUDE_STEPS":
                assert [len(step) for step in english] == [len(step) for step in polish], path
                continue
            for en, pl in zip(english, polish, strict=True):
                en_slots = set(re.findall(r"\{(\w+)\}", en))
                pl_slots = set(re.findall(r"\{(\w+)\}", pl))
                # English and Polish name a feeling in their own forms (adjective/noun, nominative/accusative).
                assert bool(en_slots) == bool(pl_slots), (path, en, pl)
                assert {s for s in en_slots if not s.startswith("feelings")} == \
                    {s for s in pl_slots if not s.startswith("feelings")}, (path, en, pl)
            checked += 1
    assert checked > 30
