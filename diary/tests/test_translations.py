"""Every string of the diary has a Polish translation, and the compiled catalogue matches the source."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from diary.emotions import EMOTIONS, MOODS

PO = Path(__file__).resolve().parents[1] / "locale" / "pl" / "LC_MESSAGES" / "django.po"


def _entries():
    blocks = PO.read_text(encoding="utf-8").strip().split("\n\n")[1:]
    return [block for block in blocks if not block.startswith("#~")]


def test_no_polish_string_is_missing_or_fuzzy():
    untranslated = []
    for block in _entries():
        assert "#, fuzzy" not in block, block
        if re.search(r'^msgstr(\[\d\])? ""$', block, re.MULTILINE) and not re.search(
            r'^msgstr(\[\d\])? ""\n"', block, re.MULTILINE
        ):
            untranslated.append(block)
    assert untranslated == []


def test_plurals_have_all_four_polish_forms():
    for block in _entries():
        if "msgid_plural" in block:
            assert all(f"msgstr[{i}]" in block for i in range(4)), block


@pytest.mark.parametrize("code", list(EMOTIONS))
def test_every_emotion_and_mood_is_translated(code):
    with translation.override("pl"):
        assert str(EMOTIONS[code]) != code
        for mood in MOODS.values():
            assert str(mood["label"]) not in {"awful", "bad", "okay", "good", "great"}
