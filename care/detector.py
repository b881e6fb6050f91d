"""Reading a person's words for signs that they are not safe (docs/care.md).

The text is split into sentences and words; each word is compared in every
form it may take (as written, and its dictionary forms in Polish and English,
all folded: lower case, no accents), so one pattern covers "chcę umrzeć",
"chciałabym umrzeć" and "chce umrzec". Patterns (care/patterns.py) describe
how people say it, family by family, in a small language:

- words are matched in order; ``a|b`` is either word, ``pre*`` any word
  beginning so, ``=word`` the word exactly as written (not its dictionary
  forms), ``a_b`` the two words in a row, ``x?`` an optional word,
  ``~N`` up to N other words in between, ``$`` the end of a clause;
- ``{a|b, c|d}~N``: each part somewhere within N words, in any order;
- a pattern starting with ``!`` is never silenced by a figure of speech.

A match right after a negation ("not", "never", "nie", "nigdy") does not
count: "I don't want to die" is not a wish to die. A match overlapping a
figure of speech of the same language's quiet list ("dying to see", "cut
myself a slice", "umieram ze śmiechu") does not count either. Nothing is
stored or logged about a match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from journal_site.language import language_detect
from journal_site.lemmas import fold, word_forms

# Any text is read whole, but no further than this: a longer text cannot be an entry.
ANALYSED_MAX_CHARS = 101_000

NEGATIONS = frozenset({"not", "never", "no", "nie", "nigdy", "zadnych", "zadnej", "zadnego", "zaden"})
# Words that may stand between a negation and what it negates: softeners ("not really", "nie bardzo"), and
# the light words of "not thinking about", "no thoughts of", "I'm not going to", "nie myślę o", "nie chcę",
# at most NEGATION_REACH of them.
_SOFTENERS = frozenset({
    "really", "ever", "even", "actually", "truly", "at", "all", "bardzo", "wcale", "juz", "az",
    "i", "am", "be", "do", "going", "gonna", "to", "want", "wish", "plan", "planning", "intend", "think", "thinking",
    "thought", "thoughts", "about", "of", "any", "like", "have", "had", "sure", "anything", "or",
    "chce", "chciec", "mysle", "myslec", "mysl", "mysli", "myslach", "o", "zeby", "planuje", "zamierzam", "mam",
    "sie", "ja", "tym",
})
NEGATION_REACH = 5

# Sentences end at . ! ? ; … a new line, or a dash between spaces (a hyphen, an en or an em dash).
_SENTENCE = re.compile("[.!?;\n\u2026]+|(?:\\s[-\u2013\u2014]\\s)")
_CLAUSE = re.compile(r"[,:()\"“”„]+")
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

_AUXILIARIES = {
    "ain": "am", "don": "do", "doesn": "does", "didn": "did", "isn": "is", "wasn": "was", "aren": "are",
    "weren": "were", "couldn": "could", "wouldn": "would", "shouldn": "should", "haven": "have", "hasn": "has",
    "hadn": "had", "mustn": "must", "needn": "need",
}
# English contractions, with and without the apostrophe, spelled out so "don't" negates like "do not".
_CONTRACTIONS = [
    (re.compile(r"\bcan't\b|\bcannot\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\b(ain|don|doesn|didn|isn|wasn|aren|weren|couldn|wouldn|shouldn|haven|hasn|hadn|mustn|needn)'t\b"),
     lambda m: _AUXILIARIES[m.group(1)] + " not"),
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\b(i|you|we|they)'ve\b"), r"\1 have"),
    (re.compile(r"\b(i|you|we|they|he|she|it|that|there)'ll\b"), r"\1 will"),
    (re.compile(r"\b(i|you|we|they|he|she|it|that|there)'d\b"), r"\1 would"),
    (re.compile(r"\b(you|we|they)'re\b"), r"\1 are"),
    (re.compile(r"\b(it|he|she|that|there|what|who|everything|nothing|life|this)'s\b"), r"\1 is"),
]
# The same typed without the apostrophe, as on a phone: spelled out only in English text, where "im"
# is "I'm" (in Polish it is "them").
_BARE_CONTRACTIONS = [
    (re.compile(r"\bcant\b"), "can not"),
    (re.compile(r"\bwont\b"), "will not"),
    (re.compile(r"\b(aint|dont|doesnt|didnt|isnt|wasnt|arent|werent|couldnt|wouldnt|shouldnt|havent|hasnt|hadnt)\b"),
     lambda m: _AUXILIARIES[m.group(1)[:-1]] + " not"),
    (re.compile(r"\bim\b"), "i am"),
    (re.compile(r"\bive\b"), "i have"),
    (re.compile(r"\b(id)\b(?= (?:rather|like|love|be|never|give|want|do|go))"), "i would"),
    (re.compile(r"\b(ill)\b(?= (?:be|have|do|go|never|just|kill|end|try|make))"), "i will"),
    (re.compile(r"\b(thats|whats|theres|its|hes|shes)\b"), lambda m: m.group(1)[:-1] + " is"),
]


@dataclass(frozen=True, slots=True)
class Token:
    surface: str  # folded, as written
    forms: frozenset[str]  # folded, as written and in its dictionary forms
    sentence: int
    clause: int


@dataclass(frozen=True, slots=True)
class _Alternative:
    words: tuple[str, ...]  # one or more words in a row; a word ending in "*" is a beginning
    end: bool = False  # "$": the end of a clause


@dataclass(frozen=True, slots=True)
class _Element:
    alternatives: tuple[_Alternative, ...]
    optional: bool = False
    gap: int = 0  # other words allowed before this element


@dataclass(frozen=True, slots=True)
class Pattern:
    family: str
    source: str
    elements: tuple[_Element, ...]
    window: int | None = None  # set for an unordered pattern
    strong: bool = False


def _word_fits(word: str, token: Token) -> bool:
    if word.startswith("="):
        return token.surface == word[1:]
    forms = token.forms
    if word.endswith("*"):
        stem = word[:-1]
        return any(form.startswith(stem) for form in forms)
    return word in forms


def _parse_element(text: str, gap: int) -> _Element:
    optional = text.endswith("?") and len(text) > 1
    if optional:
        text = text[:-1]
    alternatives = []
    for alternative in text.split("|"):
        if alternative == "$":
            alternatives.append(_Alternative(words=(), end=True))
        else:
            alternatives.append(_Alternative(words=tuple(fold(w) for w in alternative.split("_"))))
    return _Element(alternatives=tuple(alternatives), optional=optional, gap=gap)


def pattern_parse(source: str, *, family: str) -> Pattern:
    text = source.strip()
    strong = text.startswith("!")
    if strong:
        text = text[1:].strip()
    if text.startswith("{"):
        body, _, window = text[1:].partition("}~")
        elements = tuple(_parse_element(part.strip(), 0) for part in body.split(","))
        return Pattern(family=family, source=source, elements=elements, window=int(window), strong=strong)
    elements: list[_Element] = []
    gap = 0
    for part in text.split():
        if part.startswith("~"):
            gap = int(part[1:])
            continue
        elements.append(_parse_element(part, gap))
        gap = 0
    return Pattern(family=family, source=source, elements=tuple(elements), strong=strong)


def tokens_of(text: str) -> list[Token]:
    original = text[:ANALYSED_MAX_CHARS]
    text = fold(original).replace("\u2019", "'").replace("`", "'")
    contractions = _CONTRACTIONS
    if language_detect(original, default="en") == "en":
        contractions = _CONTRACTIONS + _BARE_CONTRACTIONS
    for pattern, replacement in contractions:
        text = pattern.sub(replacement, text)
    tokens: list[Token] = []
    clause = 0
    for sentence_index, sentence in enumerate(_SENTENCE.split(text)):
        for part in _CLAUSE.split(sentence):
            clause += 1
            for word in _TOKEN.findall(part):
                tokens.append(Token(surface=word, forms=word_forms(word), sentence=sentence_index, clause=clause))
    return tokens


def _alternative_at(alternative: _Alternative, tokens: list[Token], at: int, sentence: int) -> int | None:
    """Where the alternative ends (exclusive) if it starts at token `at`, else None."""
    if alternative.end:
        # The end of a clause: no next word, or the next word in another clause.
        if at >= len(tokens) or tokens[at].clause != tokens[at - 1].clause:
            return at
        return None
    end = at
    for word in alternative.words:
        if end >= len(tokens) or tokens[end].sentence != sentence or not _word_fits(word, tokens[end]):
            return None
        end += 1
    return end


def _sequence_end(
    elements: tuple[_Element, ...], index: int, tokens: list[Token], at: int, sentence: int
) -> int | None:
    """Match elements[index:] starting at or after token `at`; the end of the match or None."""
    if index == len(elements):
        return at
    element = elements[index]
    for start in range(at, min(at + element.gap, len(tokens)) + 1):
        if start < len(tokens) and tokens[start].sentence != sentence:
            # The sentence has ended: only the end of a clause can still match, right here.
            if start == at and any(alt.end for alt in element.alternatives):
                return _sequence_end(elements, index + 1, tokens, at, sentence)
            break
        for alternative in element.alternatives:
            end = _alternative_at(alternative, tokens, start, sentence)
            if end is not None and (found := _sequence_end(elements, index + 1, tokens, end, sentence)) is not None:
                return found
    if element.optional:
        return _sequence_end(elements, index + 1, tokens, at, sentence)
    return None


def _window_span(pattern: Pattern, tokens: list[Token], anchor: int) -> tuple[int, int] | None:
    """An unordered pattern whose first part starts at `anchor`: its span if every other part is near."""
    sentence = tokens[anchor].sentence
    first_end = next(
        (end for alt in pattern.elements[0].alternatives
         if (end := _alternative_at(alt, tokens, anchor, sentence)) is not None),
        None,
    )
    if first_end is None:
        return None
    low, high = anchor, first_end
    used = set(range(anchor, first_end))
    for element in pattern.elements[1:]:
        found = None
        for start in range(max(0, anchor - pattern.window), min(len(tokens), anchor + pattern.window + 1)):
            if tokens[start].sentence != sentence or start in used:
                continue
            for alternative in element.alternatives:
                end = _alternative_at(alternative, tokens, start, sentence)
                if end is not None and not used.intersection(range(start, end)):
                    found = (start, end)
                    break
            if found:
                break
        if found is None:
            return None
        used.update(range(*found))
        low, high = min(low, found[0]), max(high, found[1])
    return low, high


def negated(tokens: list[Token], start: int) -> bool:
    """Whether a negation stands before `start` in the same clause, with only light words between (at most
    NEGATION_REACH): "not really", "I'm not thinking about", "no thoughts of", "nie myślę o"."""
    at = start - 1
    while at >= 0 and start - at <= NEGATION_REACH + 1 and tokens[at].clause == tokens[start].clause:
        forms = tokens[at].forms
        if forms & NEGATIONS:
            return True
        if not forms & _SOFTENERS:
            return False
        at -= 1
    return False


def _starts_with_negation(pattern: Pattern) -> bool:
    return any(w in NEGATIONS for alt in pattern.elements[0].alternatives for w in alt.words[:1])


@dataclass(frozen=True)
class _Index:
    """Patterns by the words that may start them, so each word of a text looks up only its own."""

    exact: dict[str, list[Pattern]]
    prefixes: dict[str, list[tuple[str, Pattern]]]  # by the first three letters of the beginning
    short_prefixes: list[tuple[str, Pattern]]  # beginnings shorter than three letters
    anywhere: list[Pattern]  # patterns whose first element is optional or an end

    @classmethod
    def build(cls, patterns: list[Pattern]) -> _Index:
        exact: dict[str, list[Pattern]] = {}
        prefixes: dict[str, list[tuple[str, Pattern]]] = {}
        short: list[tuple[str, Pattern]] = []
        anywhere: list[Pattern] = []
        for pattern in patterns:
            first = pattern.elements[0]
            if first.optional or any(alt.end for alt in first.alternatives):
                anywhere.append(pattern)
                continue
            for alternative in first.alternatives:
                word = alternative.words[0].lstrip("=")
                if word.endswith("*"):
                    stem = word[:-1]
                    if len(stem) >= 3:
                        prefixes.setdefault(stem[:3], []).append((stem, pattern))
                    else:
                        short.append((stem, pattern))
                else:
                    exact.setdefault(word, []).append(pattern)
        return cls(exact=exact, prefixes=prefixes, short_prefixes=short, anywhere=anywhere)

    def candidates(self, forms: frozenset[str]) -> list[Pattern]:
        found: dict[int, Pattern] = {}
        for form in forms:
            for pattern in self.exact.get(form, ()):
                found[id(pattern)] = pattern
            for stem, pattern in self.prefixes.get(form[:3], ()):
                if form.startswith(stem):
                    found[id(pattern)] = pattern
            for stem, pattern in self.short_prefixes:
                if form.startswith(stem):
                    found[id(pattern)] = pattern
        for pattern in self.anywhere:
            found[id(pattern)] = pattern
        return list(found.values())


@dataclass(frozen=True)
class Match:
    family: str
    pattern: str
    start: int
    end: int


def _matches(index: _Index, tokens: list[Token], *, negatable: bool = True) -> list[Match]:
    found = []
    for at, token in enumerate(tokens):
        for pattern in index.candidates(token.forms):
            if pattern.window is not None:
                span = _window_span(pattern, tokens, at)
            else:
                end = _sequence_end(pattern.elements, 0, tokens, at, token.sentence)
                span = (at, end) if end is not None and end > at else None
            if span is None:
                continue
            if negatable and not _starts_with_negation(pattern) and negated(tokens, span[0]):
                continue
            found.append(Match(family=pattern.family, pattern=pattern.source, start=span[0], end=span[1]))
    return found


@lru_cache(maxsize=1)
def _indexes() -> tuple[_Index, _Index, frozenset[str]]:
    from care.patterns import CARE, QUIET

    care = [pattern_parse(source, family=family) for family, languages in CARE.items()
            for sources in languages.values() for source in sources]
    quiet = [pattern_parse(source, family="quiet") for sources in QUIET.values() for source in sources]
    strong = frozenset(p.source for p in care if p.strong)
    return _Index.build(care), _Index.build(quiet), strong


def pattern_matches(tokens: list[Token]) -> list[Match]:
    """The patterns' readings of the words as a sign of crisis, less those a figure of speech explains
    away (unless the pattern is strong)."""
    care_index, quiet_index, strong = _indexes()
    care = _matches(care_index, tokens)
    if not care:
        return []
    quiet = _matches(quiet_index, tokens, negatable=False)
    return [
        match for match in care
        if match.pattern in strong
        or not any(q.start < match.end and match.start < q.end for q in quiet)
    ]


def crisis_matches(text: str) -> list[Match]:
    """Every reading of the text as a sign of crisis by the patterns."""
    return pattern_matches(tokens_of(text))


def crisis_family(text: str) -> str | None:
    """The family of the first pattern the text matches (die, burden, noway, plan, farewell, selfharm, danger)."""
    found = crisis_matches(text)
    return found[0].family if found else None


def crisis_detect(text: str) -> bool:
    """Whether the text speaks of suicide, self-harm or being in danger, in Polish or English.

    A strong pattern decides alone; otherwise the model (care/model.py) weighs the sentence's words
    together with the patterns that match in it."""
    from care.model import model_flags

    tokens = tokens_of(text)
    matches = pattern_matches(tokens)
    _, _, strong = _indexes()
    return any(match.pattern in strong for match in matches) or model_flags(tokens, matches)
