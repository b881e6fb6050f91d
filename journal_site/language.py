"""Which language a message is written in: Polish or English.

The companion answers in the language the user writes in, so a Polish user
who types in English gets English back. A message too short to tell (``ok``,
an emoji) falls back to the user's chosen language.
"""

import re

_POLISH_LETTERS = re.compile(r"[ąćęłńóśźż]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_POLISH_WORDS = _words(
    "i w na nie się że to jest jestem mam mi mnie jak co czy ale tak już dziś dzisiaj bardzo był była było "
    "jak ze za do od po o dla tylko może chcę czuję wczoraj jutro praca pracy dzień dnia mój moja moje "
    "bo gdy kiedy jeszcze teraz nic wszystko ktoś coś trochę dobrze źle"
)
_ENGLISH_WORDS = _words(
    "i the a an and is am are was were my me it to of in on at for with but not so very today yesterday "
    "tomorrow feel feeling felt have had has do did don't can't just really about this that what how "
    "work day think know want like good bad"
)


def language_detect(text: str, *, default: str) -> str:
    """'pl' or 'en' for the text; `default` when it gives too little to tell."""
    if _POLISH_LETTERS.search(text):
        return "pl"
    words = [word.lower() for word in _WORD.findall(text[:2000])]
    polish = sum(word in _POLISH_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    if polish > english:
        return "pl"
    if english > polish:
        return "en"
    return default if default in ("en", "pl") else "en"
