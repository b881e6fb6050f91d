"""The second reader: a linear model over the words of a text (docs/care.md).

Patterns (care/detector.py) catch the ways of saying it that someone wrote
down; this model catches the many ways nobody did, by weighing every word a
text holds, and weighs a pattern's match against the words around it ("a
book about a poet's suicide"). It reads the same words the patterns read
(folded, in their dictionary forms, contractions spelled out) and turns them
into features:

- ``w:`` each dictionary form of each word, ``n:`` the same when a negation
  stands before it in its clause ("I don't want to die");
- ``b:`` each pair of neighbouring words in a clause, ``s:`` the same pair by
  the first five letters of each (Polish endings vary where meaning does not);
- ``c:`` four-letter pieces of each word, so a typo or an unknown form still
  shares most of its pieces with the word it means;
- ``p:`` the family of each pattern that matches, and ``p:any``.

The weights (care/model.json) are learnt from the corpus by
``manage.py care_train`` (care/training.py); reading needs nothing but that
file: a text's score is the sum of its features' weights over the square
root of their number, plus the bias. Each sentence is scored, and a text of
up to WINDOW sentences is also scored whole, as the corpus's lines are. Above
the threshold stored with the weights is a sign.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from care.detector import NEGATIONS, Match, Token, negated

MODEL_PATH = Path(__file__).resolve().parent / "model.json"
_PIECE = 4
_STEM = 5
# A text of up to this many sentences is also read whole, as the corpus's lines are.
WINDOW = 3
# Words read on each side of a pattern's match (around_matches).
MATCH_REACH = 8


def features(tokens: list[Token], patterns: Iterable[str] = ()) -> set[str]:
    """The features of one run of words (a sentence, a corpus line), with the families of the patterns
    that match in it."""
    found: set[str] = {"p:" + family for family in patterns}
    if found:
        found.add("p:any")
    previous: Token | None = None
    for at, token in enumerate(tokens):
        if token.forms & NEGATIONS:
            found.add("w:" + token.surface)
            previous = token
            continue
        prefix = "n:" if negated(tokens, at) else "w:"
        for form in token.forms:
            found.add(prefix + form)
        word = f"<{token.surface}>"
        if len(word) > _PIECE + 1:
            for start in range(len(word) - _PIECE + 1):
                found.add("c:" + word[start:start + _PIECE])
        if previous is not None and previous.clause == token.clause:
            found.add(f"b:{previous.surface}_{token.surface}")
            found.add(f"s:{previous.surface[:_STEM]}_{token.surface[:_STEM]}")
        previous = token
    return found


@lru_cache(maxsize=1)
def _model() -> tuple[dict[str, float], float, float]:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return data["weights"], data["bias"], data["threshold"]


def score(found: set[str], weights: dict[str, float], bias: float) -> float:
    """How strongly a set of features reads as a sign of crisis."""
    if not found:
        return -math.inf
    return bias + sum(weights.get(feature, 0.0) for feature in found) / math.sqrt(len(found))


def windows(tokens: list[Token], matches: list[Match]) -> Iterator[set[str]]:
    """The features of each sentence, and of the whole text when it has two to WINDOW sentences (as the
    corpus's lines have). `matches` are the patterns' (care/detector.py) on the same words.

    A longer text is read sentence by sentence: scored in runs, a long entry's ordinary sentences add up
    to a false alarm (docs/care.md has the figures)."""
    sentences: dict[int, list[Token]] = {}
    for token in tokens:
        sentences.setdefault(token.sentence, []).append(token)
    families: dict[int, set[str]] = {}
    for match in matches:
        families.setdefault(tokens[match.start].sentence, set()).add(match.family)
    found = [features(words, families.get(index, ())) for index, words in sentences.items()]
    yield from found
    if 1 < len(found) <= WINDOW:
        # Word pairs stop at a clause's end, so the whole text's features are the union of its sentences'.
        yield set().union(*found)


def around_matches(tokens: list[Token], matches: list[Match]) -> Iterator[set[str]]:
    """The features of the words around each pattern's match (MATCH_REACH each side, within its sentence):
    in a long run-on sentence ("…made dinner for the kids, and I just want to die") the match would be
    one feature among a hundred; here it weighs with its neighbours only."""
    for match in matches:
        sentence = tokens[match.start].sentence
        start = match.start
        while start > 0 and match.start - start < MATCH_REACH and tokens[start - 1].sentence == sentence:
            start -= 1
        end = match.end
        while end < len(tokens) and end - match.end < MATCH_REACH and tokens[end].sentence == sentence:
            end += 1
        yield features(tokens[start:end], (match.family,))


def model_flags(tokens: list[Token], matches: list[Match]) -> bool:
    """Whether a sentence of the text, the whole of a short text, or the words around a pattern's match
    read as a sign of crisis."""
    weights, bias, threshold = _model()
    return any(
        score(found, weights, bias) > threshold
        for found in itertools.chain(windows(tokens, matches), around_matches(tokens, matches))
    )


def warm_up() -> None:
    """Parse the patterns and load the weights now (about 0.1 s and 17 MB), so the first person to write
    does not wait: gunicorn's master does it before forking its workers (gunicorn.conf.py)."""
    from care.detector import pattern_matches, tokens_of

    pattern_matches(tokens_of("warm up"))
    _model()
