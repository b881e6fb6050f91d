"""The offline companion's replies (conversations/phrases.py) are written in both languages alike.

Its phrases live outside the gettext catalogues, because each reply is chosen
from several variants and Polish needs its own grammatical forms (accusative
feelings, for example). So this test keeps the two languages in step: every
reply set that has an English side has a Polish one with as many variants, at
every depth, and no variant is empty.
"""

from conversations import phrases


def _shape(value):
    if isinstance(value, tuple | list):
        return [_shape(item) for item in value]
    assert not isinstance(value, str) or value.strip(), "an empty variant"
    return type(value).__name__


def _language_pairs(value, path: str):
    if isinstance(value, dict):
        if {"en", "pl"} & set(value):
            yield path, value
        for key, item in value.items():
            if key not in ("en", "pl"):
                yield from _language_pairs(item, f"{path}[{key!r}]")


def test_every_reply_set_has_as_many_variants_in_polish_as_in_english():
    pairs = [
        (f"{name}{path}", value)
        for name, table in vars(phrases).items() if name.isupper()
        for path, value in _language_pairs(table, "")
    ]
    assert len(pairs) > 30  # the check sees the tables
    uneven = [name for name, value in pairs if set(value) != {"en", "pl"} or _shape(value["en"]) != _shape(value["pl"])]
    assert uneven == []
