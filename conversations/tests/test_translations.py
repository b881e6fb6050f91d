import re
from pathlib import Path

from django.utils import translation

from conversations.modes import MODES

PO = Path(__file__).resolve().parent.parent / "locale" / "pl" / "LC_MESSAGES" / "django.po"
_STRINGS = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'


def _text(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))


def test_every_polish_string_is_translated():
    entries = [e for e in PO.read_text().split("\n\n")[1:] if "msgid" in e]
    assert len(entries) > 30
    for entry in entries:
        assert "#, fuzzy" not in entry
        translations = re.findall(r"msgstr(?:\[\d\])? " + _STRINGS, entry)
        assert translations and all(_text(block).strip() for block in translations), entry


def test_mode_names_are_translated():
    with translation.override("pl"):
        names = [str(info.name) for info in MODES.values()]
    assert names == ["Wspierający", "Refleksyjny", "Coachingowy", "Wdzięczność"]
