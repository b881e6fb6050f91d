"""Every string of accounts is translated into Polish, and the compiled catalogue is current."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "locale"
PO = LOCALE / "pl" / "LC_MESSAGES" / "django.po"


def entries():
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        if "msgid" not in block:
            continue
        yield block


def unquote(block: str, key: str) -> str:
    match = re.search(rf'^{re.escape(key)} ((?:".*"\n?)+)', block + "\n", re.M)
    return "".join(eval(line) for line in match.group(1).strip().split("\n"))  # noqa: S307 - our own file


def test_every_message_is_translated_and_none_is_fuzzy():
    for block in entries():
        assert "#, fuzzy" not in block, block
        if "msgid_plural" in block:
            for n in range(4):
                assert unquote(block, f"msgstr[{n}]"), block
        else:
            assert unquote(block, "msgstr"), block


def test_compiled_catalogue_matches_the_po_file():
    catalogue = gettext.GNUTranslations((LOCALE / "pl" / "LC_MESSAGES" / "django.mo").open("rb"))
    for block in entries():
        if "msgid_plural" in block:
            continue
        assert catalogue.gettext(unquote(block, "msgid")) == unquote(block, "msgstr"), block


@pytest.mark.parametrize(
    "english,polish",
    [("Create your journal", "Załóż swój dziennik"), ("Danger zone", "Strefa zagrożenia")],
)
def test_django_finds_the_catalogue(english, polish):
    with translation.override("pl"):
        assert translation.gettext(english) == polish


def test_polish_plurals_for_minutes():
    from django.utils.translation import ngettext

    message = "Too many failed attempts. Try again in %(minutes)d minute."
    plural = "Too many failed attempts. Try again in %(minutes)d minutes."
    with translation.override("pl"):
        assert (
            ngettext(message, plural, 1) % {"minutes": 1} == "Zbyt wiele nieudanych prób. Spróbuj ponownie za 1 minutę."
        )
        assert (
            ngettext(message, plural, 3) % {"minutes": 3} == "Zbyt wiele nieudanych prób. Spróbuj ponownie za 3 minuty."
        )
        assert (
            ngettext(message, plural, 15) % {"minutes": 15}
            == "Zbyt wiele nieudanych prób. Spróbuj ponownie za 15 minut."
        )
