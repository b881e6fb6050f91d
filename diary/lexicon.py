"""Emotion words in Polish and English, for suggesting tags and for the companion (docs/words.md).

Each emotion code lists words. A word matches in any of its forms: as
written, or its dictionary form in Polish or English (journal_site.lemmas),
all folded (lower case, no accents), so "happier" is "happy" and "smutna" is
"smutny". A word ending in "*" is a beginning ("zmęcz*" is "zmęczona",
"zmęczenie"); a beginning never reaches into another word's opposite:
"hope" is a whole word, so "hopeless" is not hope but its own word, listed
under sadness with the other opposites ("unhappy", "beznadziejny",
"nieszczęśliwy"). Phrases with spaces match their words in order.

A feeling right after a negation ("not", "never", "nie", ... within four
words of its clause) is not that feeling: "not sad" counts nothing, and "not happy" or
"nie jestem szczęśliwa" counts as the feeling's opposite (NEGATED), never as
itself. `valence` says whether a text is good news or hard, reading the same
way, with a few more words that carry a valence but name no emotion.

The text is split into words once and each distinct word is looked up once
per process, so the time is linear in the text; at most ANALYSED_MAX_CHARS
are read: a longer text cannot be an entry (see docs/input-limits.md).
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from journal_site.lemmas import fold, word_forms

LEXICON: dict[str, tuple[str, ...]] = {
    "joy": (
        "happy", "happiness", "joy", "joyful", "joyous", "glad", "delighted", "delight", "cheerful", "wonderful",
        "fantastic", "great day",
        "szczęśliwy", "szczęście", "radość", "radosny", "wesoły", "cieszyć", "ucieszyć",
    ),
    "trust": ("trust", "trusting", "rely on", "feel safe", "ufać", "ufny", "zaufać", "zaufanie", "bezpieczny"),
    "fear": (
        "afraid", "fear", "scared", "scary", "frighten*", "terrified", "terror", "panic*",
        "bać", "bałam", "bałem", "strach", "przeraż*", "przestrasz*", "panik*",
    ),
    "surprise": ("surpris*", "astonish*", "unexpected", "shocked", "zaskocz*", "zdziwi*", "niespodzian*"),
    "sadness": (
        "sad", "sadness", "unhappy", "cried", "crying", "cry", "tears", "depress*", "heartbroken", "grief",
        "grieving", "miserable", "down today", "hopeless", "hopelessness", "joyless", "gloomy", "despair*",
        "smutny", "smutek", "smutno", "płacz*", "płakać", "przygnęb*", "rozpacz*", "żałob*", "przykro",
        "beznadziej*", "nieszczęśliw*", "bezradn*",
    ),
    "disgust": ("disgust*", "gross", "revolting", "sickening", "obrzydz*", "obrzydl*", "wstręt*", "odraż*",
                "niesmak"),
    "anger": (
        "angry", "anger", "furious", "rage", "mad at", "pissed", "irritat*", "annoyed", "annoying",
        "zły", "zła", "złość", "złościć", "wściek*", "gniew*", "wkurz*", "irytuj*", "irytac*", "rozzłoszcz*",
    ),
    "anticipation": (
        "looking forward", "look forward", "can't wait", "cannot wait", "anticipat*",
        "nie mogę się doczekać", "wyczekiwać", "wyczekuj*", "oczekuj*",
    ),
    "calm": (
        "calm", "calmer", "peaceful", "relax*", "serene", "tranquil", "at peace",
        "spokojny", "spokojnie", "spokój", "zrelaks*", "odpręż*", "wycisz*",
    ),
    "grateful": ("grateful", "thankful", "thank", "thanks", "gratitude", "appreciat*", "wdzięczn*", "dziękować",
                 "dzięki"),
    "proud": ("proud", "pride", "accomplish*", "dumny", "duma"),
    "hopeful": ("hope", "hopeful", "hopefully", "hoping", "optimis*", "nadzieja", "optymi*"),
    "loved": ("loved", "love", "cared for", "hugged", "kochać", "kochany", "miłość", "przytul*"),
    "content": ("content", "satisfied", "fulfilled", "zadowolony", "usatysfakcj*", "spełniony"),
    "excited": ("excited", "exciting", "thrill*", "podekscyt*", "ekscytu*", "entuzjazm*"),
    "relieved": ("relieved", "relief", "ulga", "odetchnąć"),
    "inspired": ("inspir*", "motivated", "zmotywow*", "natchni*"),
    "tired": (
        "tired", "exhausted", "exhausting", "sleepy", "drained", "fatigue", "worn out", "burned out", "burnt out",
        "zmęcz*", "wyczerp*", "senny", "padnięty", "wykończ*", "niewyspan*",
    ),
    "stressed": ("stress", "stressed", "stressful", "under pressure", "tense", "deadline", "presja", "napięcie",
                 "spięty"),
    "anxious": (
        "anxious", "anxiety", "worry", "worried", "worrying", "nervous", "uneasy",
        "niepok*", "martwić", "zmartw*", "nerwow*", "lęk", "obawiać", "obawa", "niespokojny",
    ),
    "lonely": ("lonely", "loneliness", "alone", "isolated", "samotn*", "osamotn*", "odizolow*"),
    "bored": ("bored", "boring", "boredom", "nuda", "nudny", "nudzić", "znudz*"),
    "confused": (
        "confused", "confusing", "unsure", "uncertain", "don't know what",
        "zagubi*", "zdezorient*", "skołowan*", "nie wiem co",
    ),
    "frustrated": ("frustrat*", "fed up", "sfrustr*", "mam dość"),
    "guilty": ("guilty", "guilt", "regret", "winny", "wyrzuty sumienia", "żałować"),
    "ashamed": ("ashamed", "shame", "embarrass*", "humiliat*", "wstyd", "wstydzić", "zawstydz*", "upokorz*"),
    "overwhelmed": ("overwhelm*", "too much", "przytłocz*", "przytłacz*", "za dużo"),
    "nostalgic": ("nostalgi*", "miss the old", "old days", "nostalg*", "tęsknić", "tęsknota", "tęskni*"),
}

# A good feeling negated is its opposite; a hard one negated is no feeling at all ("not sad").
NEGATED = {
    "joy": "sadness", "calm": "anxious", "hopeful": "sadness", "content": "frustrated", "loved": "lonely",
    "proud": "ashamed", "excited": "bored", "relieved": "anxious", "inspired": "bored", "trust": "fear",
}
HARD = frozenset({
    "fear", "sadness", "disgust", "anger", "tired", "stressed", "anxious", "lonely", "bored", "confused",
    "frustrated", "guilty", "ashamed", "overwhelmed",
})
GOOD = frozenset({
    "joy", "trust", "anticipation", "calm", "grateful", "proud", "hopeful", "loved", "content", "excited",
    "relieved", "inspired",
})
# Words that say a day was good or hard without naming an emotion of the vocabulary.
GOOD_WORDS = (
    "good", "great", "nice", "lovely", "enjoy*", "fun", "beautiful", "wonderful", "delicious", "best", "finally",
    "managed", "fajny", "fajnie", "dobry", "dobrze", "super", "świetny", "świetnie", "miło", "miły", "udać",
    "pięknie", "piękny", "smaczny", "wreszcie", "uwielbiać",
)
HARD_WORDS = (
    "bad", "awful", "terrible", "hard", "difficult", "worst", "hurt", "lost", "sick", "źle", "zły", "okropny",
    "okropnie", "straszny", "strasznie", "trudny", "trudno", "ciężki", "ciężko", "boleć", "stracić", "chory",
)
_VALENCE = {"good": GOOD_WORDS, "hard": HARD_WORDS}

NEGATIONS = frozenset({"not", "no", "never", "nie", "nigdy", "bez", "ani", "nothing", "nic"})
NEGATION_WINDOW = 4  # words before a feeling, in its clause, in which a negation counts
_CLAUSE_END = re.compile(r"[,.;:!?()]")
# An entry's title and text together, with room to spare; the rest of a longer text is not read.
ANALYSED_MAX_CHARS = 101_000
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True, slots=True)
class _Entry:
    words: tuple[str, ...]  # folded; a word ending in "*" is a beginning
    code: str


@dataclass(frozen=True, slots=True)
class _Index:
    words: dict[str, list[_Entry]]  # entries by their first word, whole
    stems: dict[str, list[_Entry]]  # entries by their first word, a beginning (without the "*")
    lengths: tuple[int, ...]  # lengths of those beginnings, longest first


def _tables() -> dict[str, tuple[str, ...]]:
    return {**LEXICON, **{f"valence:{name}": words for name, words in _VALENCE.items()}}


@lru_cache(maxsize=1)
def _index() -> _Index:
    words: dict[str, list[_Entry]] = {}
    stems: dict[str, list[_Entry]] = {}
    for code, entries in _tables().items():
        for text in entries:
            entry = _Entry(words=tuple(fold(w) for w in text.split(" ")), code=code)
            first = entry.words[0]
            if first.endswith("*"):
                stems.setdefault(first[:-1], []).append(entry)
            else:
                words.setdefault(first, []).append(entry)
    for table in (words, stems):
        for group in table.values():
            group.sort(key=lambda entry: -len(entry.words))
    return _Index(words=words, stems=stems, lengths=tuple(sorted({len(s) for s in stems}, reverse=True)))


def _fits(word: str, forms: frozenset[str]) -> bool:
    if word.endswith("*"):
        return any(form.startswith(word[:-1]) for form in forms)
    return word in forms


@lru_cache(maxsize=100_000)
def _candidates(token: str) -> tuple[_Entry, ...]:
    """The entries whose first word fits this word, longest phrase first."""
    index = _index()
    found: list[_Entry] = []
    forms = word_forms(token)
    if token.endswith("'s"):  # "the sad's gone"
        forms = forms | word_forms(token[:-2])
    for form in forms:
        found.extend(index.words.get(form, ()))
        for length in index.lengths:
            if length <= len(form):
                found.extend(index.stems.get(form[:length], ()))
    return tuple(sorted(dict.fromkeys(found), key=lambda entry: -len(entry.words)))


def _phrase_fits(entry: _Entry, text: str, spans: list[re.Match], tokens: list[str], at: int) -> bool:
    """The rest of a phrase's words follow, each after nothing but spaces."""
    size = len(entry.words)
    if at + size > len(tokens):
        return False
    for offset, word in enumerate(entry.words[1:], start=1):
        between = text[spans[at + offset - 1].end() : spans[at + offset].start()]
        if between.strip() or not _fits(word, word_forms(tokens[at + offset])):
            return False
    return True


def _negated(text: str, spans: list[re.Match], tokens: list[str], at: int) -> bool:
    """A negation among the few words before, in the same clause ("nie jestem dziś szczęśliwa")."""
    for back in range(at - 1, max(-1, at - 1 - NEGATION_WINDOW), -1):
        if _CLAUSE_END.search(text[spans[back].end() : spans[back + 1].start()]):
            return False
        word = tokens[back]
        if word in NEGATIONS or word.endswith("n't"):
            return True
    return False


def _reading(text: str):
    """Each feeling or valence word found: (code, negated), in order."""
    text = text[:ANALYSED_MAX_CHARS]
    spans = list(_WORD.finditer(text))
    tokens = [m.group().lower().replace("\u2019", "'") for m in spans]
    at = 0
    while at < len(tokens):
        match = None
        for entry in _candidates(tokens[at]):
            if _phrase_fits(entry, text, spans, tokens, at):
                match = entry
                break
        if match is None:
            at += 1
            continue
        yield match.code, _negated(text, spans, tokens, at)
        at += len(match.words)


def emotion_counts(text: str) -> Counter:
    counts: Counter = Counter()
    for code, negated in _reading(text):
        if code.startswith("valence:"):
            continue
        if negated:
            code = NEGATED.get(code)
        if code:
            counts[code] += 1
    return counts


def emotions_detect(text: str, *, limit: int = 5) -> list[str]:
    order = list(LEXICON)
    counts = emotion_counts(text)
    ranked = sorted(counts, key=lambda code: (-counts[code], order.index(code)))
    return ranked[:limit]


def valence(text: str) -> str | None:
    """"hard", "good" or None: the first feeling or valence word of the text, read with its negation.

    "not good" and "nie jest dobrze" are hard; "not bad" is no news either way.
    """
    for code, negated in _reading(text):
        name = code.removeprefix("valence:") if code.startswith("valence:") else (
            "hard" if code in HARD else "good" if code in GOOD else None
        )
        if name is None:
            continue
        if negated:
            if name == "good":
                return "hard"
            continue
        return name
    return None
