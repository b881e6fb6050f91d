"""Words in their dictionary form, in Polish and English (docs/words.md).

What reads a person's words for meaning (the care detector, the companion's
feelings) compares dictionary forms, so "chciałabym", "chcę" and "chce" are
all "chcieć", and "dying" is "die". The forms come from simplemma, a
maintained lemmatiser that ships its dictionaries for both languages; its
compact stream dictionaries keep a process at about 60 MB more instead of
the 400 MB of its default ones, at some 20 µs a word not seen before (words
are remembered, so a diary's vocabulary is looked up once per process).

`fold` lowers the case and drops accents, so text typed without Polish
letters ("chce umrzec") compares equal to text with them.
"""

import itertools
import re
import threading
import unicodedata
from functools import lru_cache

LANGUAGES = ("pl", "en")

_lock = threading.Lock()
_lemmatizer = None
_dictionary = None

_WORD = re.compile(r"[^\W_]+")
# Letters that Polish writes with a mark and a phone keyboard often without ("pieniadze" for "pieniądze").
_MARKED = {"a": "ą", "c": "ć", "e": "ę", "l": "ł", "n": "ń", "o": "ó", "s": "ś", "z": "żź"}
# An unknown word is tried with marks only when it has at most this many spellings (each a dictionary
# look-up of about 20 µs): fewer for the words of an entry, more for the few words of a search.
MARKED_SPELLINGS_STORED = 64
MARKED_SPELLINGS_QUERY = 1024


def fold(text: str) -> str:
    """Lowercase without accents ("Zmęczona" → "zmeczona"); "ł" has no decomposition, so it is mapped."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _load() -> None:
    """One dictionary factory for both readers, so each language's data is loaded once per process."""
    global _lemmatizer, _dictionary
    with _lock:
        if _lemmatizer is None:
            from simplemma import Lemmatizer
            from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
            from simplemma.strategies.dictionaries import StreamDictionaryFactory

            factory = StreamDictionaryFactory()
            _dictionary = DictionaryLookupStrategy(dictionary_factory=factory)
            _lemmatizer = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))


def _get_lemmatizer():
    if _lemmatizer is None:
        _load()
    return _lemmatizer


def _get_dictionary():
    """Dictionary look-up alone, no guessing from endings: what search compares, so only real words join."""
    if _dictionary is None:
        _load()
    return _dictionary


@lru_cache(maxsize=100_000)
def lemma(word: str, language: str) -> str:
    """The dictionary form of one lowercase word in `language` ("pl" or "en"); the word itself if unknown."""
    return _get_lemmatizer().lemmatize(word, lang=language).lower()


@lru_cache(maxsize=100_000)
def word_forms(word: str) -> frozenset[str]:
    """A lowercase word, folded, with its folded dictionary forms in both languages."""
    return frozenset({fold(word), *(fold(lemma(word, language)) for language in LANGUAGES)})


@lru_cache(maxsize=100_000)
def _known_lemmas(word: str) -> frozenset[str]:
    """The folded dictionary forms of a lowercase word found in either language's dictionary."""
    found = (_get_dictionary().get_lemma(word, language) for language in LANGUAGES)
    return frozenset(fold(form) for form in found if form)


def _marked_spellings(word: str, limit: int):
    """`word` with every combination of Polish marks on the letters that may carry one, itself excluded."""
    choices = [letter + _MARKED.get(letter, "") for letter in word]
    count = 1
    for letters in choices:
        count *= len(letters)
    if count > limit:
        return
    for spelling in itertools.product(*choices):
        candidate = "".join(spelling)
        if candidate != word:
            yield candidate


@lru_cache(maxsize=100_000)
def search_forms(word: str, *, spellings: int = MARKED_SPELLINGS_STORED) -> frozenset[str]:
    """The folded dictionary forms under which search files one word ("lekarzem" → {"lekarz"}).

    Only forms from the dictionaries count, never a guess from the ending. A word the dictionaries do not
    know, written without Polish marks ("pieniadze"), is tried with them (up to `spellings` ways), so a
    phone's spelling finds the same entries. Search stores these forms for every word of an entry and looks up the same
    forms of every word of a query (docs/words.md).
    """
    word = word.lower()
    forms = _known_lemmas(word)
    if not forms and word.isascii() and len(word) >= 4:
        forms = frozenset().union(*(_known_lemmas(spelling) for spelling in _marked_spellings(word, spellings)))
    return frozenset(form for form in forms if _WORD.fullmatch(form))


def search_terms(*texts: str) -> str:
    """The forms of every word of the texts that differ from the word as written, each once, sorted.

    What entries stored for search before the blind index (diary.search); migration 0007 still calls
    it. Space-separated with a space at both ends
    (" lekarz pieniadz "), so a form is found whole.
    """
    terms: set[str] = set()
    for text in texts:
        for word in set(_WORD.findall(text.lower())):
            if not word.isdigit():
                terms.update(search_forms(word) - {fold(word)})
    return f" {' '.join(sorted(terms))} " if terms else ""


def warm_up() -> None:
    """Load both dictionaries now (about a second), so the first reader of a person's words does not wait."""
    for language in LANGUAGES:
        lemma("a", language)
