"""Emotion words in Polish and English, for suggesting tags and for the companion.

Each emotion code has word stems: a stem matches any word that starts with it
("happi" matches "happiness"), which is stemming enough for both languages. A
stem ending in "$" must be the whole word ("sad$" does not match "saddle").
Phrases with spaces match as written. A match right after a negation ("not",
"nie", ...) within two words does not count.

The text is split into words once and each word is looked up in dictionaries
(its prefixes among the stems, its phrases among those starting with it), so the
time is linear in the text, and at most ANALYSED_MAX_CHARS are read: a longer
text cannot be an entry (see docs/input-limits.md).
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

LEXICON: dict[str, tuple[str, ...]] = {
    "joy": (
        "happy$", "happi", "joy", "glad$", "delight", "cheerful", "wonderful", "fantastic", "great day",
        "szczęśliw", "szczęści", "radoś", "radosn", "wesoł", "cieszę", "cieszy", "ucieszy",
    ),
    "trust": ("trust", "rely on", "feel safe", "ufam", "ufno", "zaufa", "bezpieczn"),
    "fear": (
        "afraid", "fear", "scared", "scary", "frighten", "terrified", "terror", "panic",
        "boję", "boje się", "bałam", "bałem", "strach", "przeraż", "przestrasz", "panik",
    ),
    "surprise": ("surpris", "astonish", "unexpected", "shocked", "zaskocz", "zdziwi", "niespodzian"),
    "sadness": (
        "sad$", "sadness", "unhappy", "cried", "crying", "cry$", "tears", "depress", "heartbroken", "grief",
        "grieving", "miserable", "down today",
        "smut", "płacz", "płakał", "przygnęb", "rozpacz", "żałob", "przykro",
    ),
    "disgust": ("disgust", "gross$", "revolting", "sickening", "obrzydz", "obrzydl", "wstręt", "odraż", "niesmak"),
    "anger": (
        "angry", "anger", "furious", "rage", "mad at", "pissed", "irritat", "annoyed", "annoying",
        "zły$", "zła$", "złość", "złości", "wściek", "gniew", "wkurz", "irytuj", "irytac", "rozzłoszcz",
    ),
    "anticipation": (
        "looking forward", "look forward", "can't wait", "cannot wait", "anticipat",
        "nie mogę się doczekać", "wyczekuj", "oczekuj",
    ),
    "calm": (
        "calm", "peaceful", "relax", "serene", "tranquil", "at peace",
        "spokoj", "spokój", "zrelaks", "odpręż", "wycisz",
    ),
    "grateful": ("grateful", "thankful", "thank", "gratitude", "appreciat", "wdzięczn", "dziękuj", "dzięki"),
    "proud": ("proud", "pride", "accomplish", "dumn", "duma", "dumy"),
    "hopeful": ("hope", "optimis", "nadziej", "optymi"),
    "loved": ("loved", "love$", "cared for", "hugged", "kocham", "kochan", "kocha", "miłoś", "przytul"),
    "content": ("content$", "satisfied", "fulfilled", "zadowolon", "usatysfakcj", "spełnion"),
    "excited": ("excited", "exciting", "thrill", "podekscyt", "ekscytu", "entuzjazm"),
    "relieved": ("relieved", "relief", "ulga", "ulgę", "ulgi", "odetchnęł", "odetchnął"),
    "inspired": ("inspir", "motivated", "zmotywow", "natchni"),
    "tired": (
        "tired", "exhausted", "exhausting", "sleepy", "drained", "fatigue", "worn out", "burned out", "burnt out",
        "zmęcz", "wyczerp", "senn", "padnięt", "wykończ", "niewyspan",
    ),
    "stressed": ("stress", "under pressure", "tense$", "deadline", "presj", "napięci", "spięt"),
    "anxious": (
        "anxious", "anxiety", "worry", "worried", "worrying", "nervous", "uneasy",
        "niepok", "martwi", "martwię", "zmartw", "nerwow", "lęk", "obawi", "obawy",
    ),
    "lonely": ("lonely", "loneliness", "alone$", "isolated", "samotn", "osamotn", "odizolow"),
    "bored": ("bored", "boring", "boredom", "nud", "znudz"),
    "confused": (
        "confused", "confusing", "unsure", "uncertain", "don't know what",
        "zagubi", "zdezorient", "skołowan", "nie wiem co",
    ),
    "frustrated": ("frustrat", "fed up", "frustr", "sfrustr", "mam dość"),
    "guilty": ("guilty", "guilt", "regret", "winna$", "winny$", "wyrzuty sumienia", "żałuję"),
    "ashamed": ("ashamed", "shame", "embarrass", "humiliat", "wstyd", "zawstydz", "upokorz"),
    "overwhelmed": ("overwhelm", "too much", "przytłocz", "przytłacz", "za dużo"),
    "nostalgic": ("nostalgi", "miss the old", "old days", "nostalg", "tęskni", "tęsknię", "tęsknot"),
}

NEGATIONS = frozenset({"not", "no", "never", "don't", "didn't", "isn't", "wasn't", "nie", "nigdy", "bez", "ani"})
NEGATION_WINDOW = 30  # characters before a match in which a negation counts
# An entry's title and text together, with room to spare; the rest of a longer text is not read.
ANALYSED_MAX_CHARS = 101_000
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True, slots=True)
class _Stem:
    words: tuple[str, ...]  # lowercased; the last one is a prefix unless whole
    whole: bool  # the last word must end the word ("sad$")
    code: str


@dataclass(frozen=True, slots=True)
class _Index:
    stems: dict[str, list[_Stem]]  # one-word stems by their text
    lengths: tuple[int, ...]  # lengths of one-word stems, longest first
    phrases: dict[str, list[_Stem]]  # phrases by their first word, longest first


@lru_cache(maxsize=1)
def _index() -> _Index:
    stems: dict[str, list[_Stem]] = {}
    phrases: dict[str, list[_Stem]] = {}
    for code, entries in LEXICON.items():
        for entry in entries:
            stem = _Stem(words=tuple(entry.rstrip("$").lower().split(" ")), whole=entry.endswith("$"), code=code)
            if len(stem.words) == 1:
                stems.setdefault(stem.words[0], []).append(stem)
            else:
                phrases.setdefault(stem.words[0], []).append(stem)
    for group in phrases.values():
        group.sort(key=lambda stem: -len(" ".join(stem.words)))
    return _Index(stems=stems, lengths=tuple(sorted({len(word) for word in stems}, reverse=True)), phrases=phrases)


def _last_word_fits(stem: _Stem, word: str) -> bool:
    last = stem.words[-1]
    if not word.startswith(last):
        return False
    # A whole-word stem may be followed only by an apostrophe ("sad's"), as by a non-word character.
    return not stem.whole or len(word) == len(last) or word[len(last)] == "'"


def _match(index: _Index, text: str, tokens: list[re.Match], at: int) -> tuple[str, int] | None:
    """The code of the longest stem or phrase starting at token `at`, and the tokens it spans."""
    word = tokens[at].group().lower()
    for phrase in index.phrases.get(word, ()):
        size = len(phrase.words)
        if at + size > len(tokens):
            continue
        following = tokens[at + 1 : at + size]
        # Phrase words are separated by exactly one space, as written in the lexicon.
        if all(text[a.end() : b.start()] == " " for a, b in zip(tokens[at : at + size - 1], following, strict=True)) \
                and all(t.group().lower() == w for t, w in zip(following[:-1], phrase.words[1:-1], strict=True)) \
                and _last_word_fits(phrase, following[-1].group().lower()):
            return phrase.code, size
    for length in index.lengths:
        if length > len(word):
            continue
        for stem in index.stems.get(word[:length], ()):
            if _last_word_fits(stem, word):
                return stem.code, 1
    return None


def _negated(text: str, tokens: list[re.Match], at: int) -> bool:
    window_start = tokens[at].start() - NEGATION_WINDOW
    before = []
    for token in tokens[max(0, at - 3) : at]:
        if token.end() > window_start:
            before.append(text[max(token.start(), window_start) : token.end()].lower())
    return any(word in NEGATIONS for word in before[-2:])


def emotion_counts(text: str) -> Counter:
    index = _index()
    text = text[:ANALYSED_MAX_CHARS]
    tokens = list(_WORD.finditer(text))
    counts: Counter = Counter()
    at = 0
    while at < len(tokens):
        found = _match(index, text, tokens, at)
        if found is None:
            at += 1
            continue
        code, size = found
        if not _negated(text, tokens, at):
            counts[code] += 1
        at += size
    return counts


def emotions_detect(text: str, *, limit: int = 5) -> list[str]:
    order = list(LEXICON)
    counts = emotion_counts(text)
    ranked = sorted(counts, key=lambda code: (-counts[code], order.index(code)))
    return ranked[:limit]
