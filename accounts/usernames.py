"""Usernames: which names may be registered, and when two names are the same.

A name is stored in Unicode's compatibility form (NFKC: fullwidth `ADMIN`
becomes plain `ADMIN`) and compared through `key()`: NFKC, Unicode case folding
(the same in Python whatever the database, unlike SQL's lower()) and a small
skeleton that maps Greek and Cyrillic letters to the Latin ones they look like.
The key is stored in `users.username_key` (unique), so sign-in by name finds
every name that could register. docs/account-security.md has the rules.
"""

import unicodedata

MAX_LENGTH = 150
PUNCTUATION = frozenset("._+-")
LETTERS = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo"})
MARKS = frozenset({"Mn", "Mc"})  # accents and vowel signs, after a letter
# Letters and marks by category that show nothing (Unicode's default-ignorable code
# points outside the format category): Hangul fillers (a trailing one makes a name
# look like `admin`), the grapheme joiner, variation selectors.
INVISIBLE = frozenset(
    chr(code)
    for first, last in (
        (0x034F, 0x034F),
        (0x115F, 0x1160),
        (0x17B4, 0x17B5),
        (0x180B, 0x180F),
        (0x3164, 0x3164),
        (0xFE00, 0xFE0F),
        (0xFFA0, 0xFFA0),
        (0xE0100, 0xE01EF),
    )
    for code in range(first, last + 1)
)
# Scripts whose letters are confusable with one another; a name may use one of them.
CONFUSABLE_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC"})

# After case folding: Greek and Cyrillic letters that look like a Latin one (in
# either case), taken from Unicode's confusables list.
_SKELETON = str.maketrans(
    {
        unicodedata.lookup(name): latin
        for name, latin in {
            "CYRILLIC SMALL LETTER A": "a",
            "CYRILLIC SMALL LETTER VE": "b",
            "CYRILLIC SMALL LETTER IE": "e",
            "CYRILLIC SMALL LETTER DZE": "s",
            "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I": "i",
            "CYRILLIC SMALL LETTER JE": "j",
            "CYRILLIC SMALL LETTER KA": "k",
            "CYRILLIC SMALL LETTER EM": "m",
            "CYRILLIC SMALL LETTER EN": "h",
            "CYRILLIC SMALL LETTER O": "o",
            "CYRILLIC SMALL LETTER ER": "p",
            "CYRILLIC SMALL LETTER ES": "c",
            "CYRILLIC SMALL LETTER TE": "t",
            "CYRILLIC SMALL LETTER U": "y",
            "CYRILLIC SMALL LETTER HA": "x",
            "CYRILLIC SMALL LETTER KOMI DE": "d",
            "CYRILLIC SMALL LETTER QA": "q",
            "CYRILLIC SMALL LETTER WE": "w",
            "CYRILLIC SMALL LETTER SHHA": "h",
            "CYRILLIC SMALL LETTER PALOCHKA": "l",
            "GREEK SMALL LETTER ALPHA": "a",
            "GREEK SMALL LETTER BETA": "b",
            "GREEK SMALL LETTER EPSILON": "e",
            "GREEK SMALL LETTER ZETA": "z",
            "GREEK SMALL LETTER ETA": "h",
            "GREEK SMALL LETTER IOTA": "i",
            "GREEK SMALL LETTER KAPPA": "k",
            "GREEK SMALL LETTER MU": "m",
            "GREEK SMALL LETTER NU": "n",
            "GREEK SMALL LETTER OMICRON": "o",
            "GREEK SMALL LETTER RHO": "p",
            "GREEK SMALL LETTER TAU": "t",
            "GREEK SMALL LETTER UPSILON": "y",
            "GREEK SMALL LETTER CHI": "x",
            "GREEK LUNATE SIGMA SYMBOL": "c",
            "LATIN SMALL LETTER DOTLESS I": "i",
        }.items()
    }
)


def normalize(name: str) -> str:
    """The form a username is stored in."""
    return unicodedata.normalize("NFKC", name).strip()


def key(name: str) -> str:
    """What two names must share to be the same name: folded case, compatibility form, skeleton."""
    folded = normalize(name).casefold().translate(_SKELETON)
    return unicodedata.normalize("NFKC", folded)


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ", 1)[0]


def problem(name: str) -> str | None:
    """Why a (normalized) name cannot be registered: "characters", "invisible", "scripts", "length"; None if it can."""
    if not name:
        return "characters"
    if len(name) > MAX_LENGTH:
        return "length"
    previous = ""
    scripts = set()
    for char in name:
        category = unicodedata.category(char)
        if char in INVISIBLE:
            return "invisible"
        if category in LETTERS:
            script = _script(char)
            if script in CONFUSABLE_SCRIPTS:
                scripts.add(script)
        elif category in MARKS:
            if previous not in LETTERS and previous not in MARKS:
                return "characters"
        elif category != "Nd" and char not in PUNCTUATION:
            # Spaces, "@", symbols, and every format or control character (zero-width joiners,
            # direction marks, soft hyphens) that would make two different names look alike.
            return "invisible" if category in {"Cf", "Cc", "Co", "Cn"} else "characters"
        previous = category
    if len(scripts) > 1:
        return "scripts"
    return None
