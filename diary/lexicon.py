"""Emotion words in Polish and English, for suggesting tags and for the companion.

Each emotion code has word stems: a stem matches any word that starts with it
("happi" matches "happiness"), which is stemming enough for both languages. A
stem ending in "$" must be the whole word ("sad$" does not match "saddle").
Phrases with spaces match as written. A match right after a negation ("not",
"nie", ...) within two words does not count. Everything runs in one regular
expression pass, so it is cheap enough to call on every keystroke pause.
"""

import re
from collections import Counter
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
_WORD = re.compile(r"[\w']+")


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern, list[str]]:
    """One alternation of every stem; group i+1 belongs to codes[i]."""
    entries = []
    for code, stems in LEXICON.items():
        for stem in stems:
            word = stem.rstrip("$")
            tail = r"(?!\w)" if stem.endswith("$") else r"[\w']*"
            entries.append((len(word), re.escape(word) + tail, code))
    # Longest first, so "nie mogę się doczekać" wins over a shorter overlapping stem.
    entries.sort(key=lambda item: -item[0])
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(f"({regex})" for _, regex, _ in entries) + ")", re.IGNORECASE)
    return pattern, [code for _, _, code in entries]


def _negated(text: str, start: int) -> bool:
    before = _WORD.findall(text[max(0, start - 30) : start].lower())
    return any(word in NEGATIONS for word in before[-2:])


def emotion_counts(text: str) -> Counter:
    """How often each emotion code is expressed in the text (negated mentions excluded)."""
    pattern, codes = _compiled()
    counts: Counter = Counter()
    for match in pattern.finditer(text):
        if not _negated(text, match.start()):
            counts[codes[match.lastindex - 1]] += 1
    return counts


def emotions_detect(text: str, *, limit: int = 5) -> list[str]:
    """The emotion codes found in the text, most frequent first, at most `limit`."""
    order = list(LEXICON)
    counts = emotion_counts(text)
    ranked = sorted(counts, key=lambda code: (-counts[code], order.index(code)))
    return ranked[:limit]
