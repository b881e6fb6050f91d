"""The built-in companion: the user's language, the mode's style, no repetition, deterministic."""

import pytest

from conversations import phrases
from conversations.context import Context
from conversations.modes import mode_system_prompt
from conversations.providers import OfflineProvider


def _context(mode, *messages, language="en", replies=None):
    turns = []
    for index, text in enumerate(messages):
        turns.append(("user", text))
        if index < len(messages) - 1:
            turns.append(("assistant", (replies or {}).get(index, "")))
    return Context(
        mode=mode, language=language, system_prompt=mode_system_prompt(mode=mode, language=language), turns=tuple(turns)
    )


def _conversation(mode, messages, language="en"):
    """Play a whole conversation through the provider, feeding its replies back."""
    provider, turns, replies = OfflineProvider(), [], []
    for text in messages:
        turns.append(("user", text))
        context = Context(
            mode=mode,
            language=language,
            system_prompt=mode_system_prompt(mode=mode, language=language),
            turns=tuple(turns),
        )
        reply = provider.reply(context)
        replies.append(reply)
        turns.append(("assistant", reply))
    return replies


def test_reflects_the_emotions_it_recognises():
    reply = OfflineProvider().reply(_context("supportive", "I feel so anxious and lonely since I moved."))
    assert ("anxious" in reply or "anxiety" in reply) and ("lonely" in reply or "loneliness" in reply)


def test_names_the_topic_instead_of_quoting_the_user():
    reply = OfflineProvider().reply(_context("supportive", "And for my daughter Zosia"))
    assert "family" in reply.lower() and "Zosia" not in reply and "“" not in reply
    polish = OfflineProvider().reply(_context("supportive", "A dla mojej córki Zosi", language="pl"))
    assert "bliskich" in polish or "Rodzina" in polish


def test_answers_in_polish_with_polish_wording():
    reply = OfflineProvider().reply(_context("coaching", "Martwię się egzaminem w piątek.", language="pl"))
    assert reply.endswith("?")
    assert any(word in reply for word in ("krok", "Twoim", "zależy", "Ciebie"))
    assert " the " not in reply


def test_uses_the_emotion_labels_of_the_diary():
    reply = OfflineProvider().reply(_context("supportive", "I'm so grateful for my friends."))
    assert "grateful" in reply or "gratitude" in reply


def _mode_sentences(mode: str) -> set[str]:
    """What a mode says of its own: its body sentences and its questions (gratitude's are its steps)."""
    body = {sentence for valence in phrases.MODE_BODY[mode].values() for sentence in valence["en"]}
    if mode == "gratitude":
        questions = {question for step in phrases.GRATITUDE_STEPS["en"] for question in step}
    else:
        questions = set(phrases.MODE_QUESTIONS[mode]["en"])
    return body | questions


@pytest.mark.parametrize("mode", ["supportive", "reflective", "coaching", "gratitude"])
def test_each_mode_has_its_own_style(mode):
    """The reply is built from the mode's own sentences and question, and from no other mode's."""
    reply = OfflineProvider().reply(_context(mode, "I'm stressed about the deadline and tired."))
    own = _mode_sentences(mode)
    others = set().union(*(_mode_sentences(other) for other in phrases.MODE_BODY if other != mode)) - own
    used = {sentence for sentence in own if sentence in reply}
    assert len(used) >= 2, reply  # a body sentence and a question at least
    assert any(reply.endswith(sentence) for sentence in used if sentence.endswith("?")), reply
    assert not [sentence for sentence in others if sentence in reply], reply


def test_every_reply_ends_with_one_follow_up_question():
    for mode in ("supportive", "reflective", "coaching", "gratitude"):
        reply = OfflineProvider().reply(_context(mode, "Work was boring but lunch with Ana was nice."))
        assert reply.endswith("?") and reply.count("?") == 1, reply


def test_same_history_gives_the_same_reply():
    context = _context("reflective", "I was angry at my brother.")
    assert OfflineProvider().reply(context) == OfflineProvider().reply(context)


@pytest.mark.parametrize("mode", ["supportive", "reflective", "coaching"])
def test_does_not_repeat_itself_within_a_conversation(mode):
    replies = _conversation(mode, ["I feel anxious about work."] * 6)
    assert len(set(replies)) == len(replies)
    questions = [reply.rsplit(". ", 1)[-1] for reply in replies]
    assert len(set(questions)) == len(questions), questions


def test_gratitude_practice_moves_step_by_step():
    replies = _conversation("gratitude", ["Hi.", "The sun this morning.", "It felt warm.", "Nobody, just luck."])
    assert "good thing" in replies[0] or "glad about" in replies[0]
    assert "matter" in replies[1] or "good for you" in replies[1]
    assert "possible" in replies[2] or "thank" in replies[2]
    assert len(set(replies)) == 4


def test_never_diagnoses_when_asked():
    reply = OfflineProvider().reply(_context("supportive", "Do I have depression? I cry every day."))
    assert "can't tell you whether you have a condition" in reply or "won't put a label" in reply
    assert "depression" not in reply.lower().replace("do i have depression", "")
    polish = OfflineProvider().reply(_context("supportive", "Czy mam depresję?", language="pl"))
    assert "lekarz" in polish
