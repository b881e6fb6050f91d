"""Help lines by country: the one place they are kept, each with its source (docs/care.md).

Every number below was checked on CHECKED against the service's own
published pages (the addresses given). Check them again at least once a
year and whenever a service announces a change; tests/test_docs.py does not
know phone numbers, people do.

The country comes from the user's choice in settings, else from the time
zone (Babel's CLDR data knows the country of every zone), else none: then
the help names the local emergency number and a directory of free lines.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

CHECKED = date(2026, 12, 6)
OTHER = "ZZ"  # the user's choice "another country"


@dataclass(frozen=True)
class Line:
    name: str
    contact: str  # what to dial or text, as people write it in that country
    about: str  # who it is for, and when
    source: str


@dataclass(frozen=True)
class Country:
    name: str
    emergency: str
    lines: tuple[Line, ...]


COUNTRIES: dict[str, Country] = {
    "PL": Country(
        name=_("Poland"),
        emergency="112",
        lines=(
            Line("Centrum Wsparcia", "800 70 2222", _("free, day and night, for adults in mental crisis"),
                 "https://centrumwsparcia.pl"),
            Line(_("Crisis line for adults"), "116 123", _("free, for adults in emotional crisis"),
                 "https://116123.edu.pl"),
            Line(_("Helpline for children and young people"), "116 111", _("free, day and night"),
                 "https://116111.pl"),
            Line(_("Niebieska Linia, for violence at home"), "800 120 002", _("free"),
                 "https://www.niebieskalinia.pl"),
        ),
    ),
    "GB": Country(
        name=_("United Kingdom"),
        emergency="999",
        lines=(
            Line("Samaritans", "116 123", _("free, day and night"), "https://www.samaritans.org"),
            Line("Shout", _("text SHOUT to 85258"), _("free, day and night"), "https://giveusashout.org"),
            Line(_("National Domestic Abuse Helpline"), "0808 2000 247", _("free, day and night"),
                 "https://www.nationaldahelpline.org.uk"),
        ),
    ),
    "IE": Country(
        name=_("Ireland"),
        emergency="112",
        lines=(
            Line("Samaritans", "116 123", _("free, day and night"), "https://www.samaritans.org/ireland"),
            Line("Pieta", _("1800 247 247, or text HELP to 51444"), _("free, day and night"),
                 "https://www.pieta.ie"),
            Line("Women's Aid", "1800 341 900", _("free, day and night, for abuse at home"),
                 "https://www.womensaid.ie"),
        ),
    ),
    "US": Country(
        name=_("United States"),
        emergency="911",
        lines=(
            Line(_("988 Suicide & Crisis Lifeline"), _("call or text 988"), _("free, day and night"),
                 "https://988lifeline.org"),
            Line("Crisis Text Line", _("text HOME to 741741"), _("free, day and night"),
                 "https://www.crisistextline.org"),
            Line(_("National Domestic Violence Hotline"), "1-800-799-7233", _("free, day and night"),
                 "https://www.thehotline.org"),
        ),
    ),
}
# Where no country is known: the directory of free lines run by ThroughLine.
DIRECTORY = "https://findahelpline.com"

# The settings page's choices (docs/care.md).
COUNTRY_CHOICES = [
    ("", _("Automatically, from my time zone")),
    *((code, country.name) for code, country in COUNTRIES.items()),
    (OTHER, _("Another country")),
]


def country_for_zone(zone: str) -> str:
    """The ISO code of the country a time zone is in ("Europe/Warsaw" → "PL"); "" when unknown."""
    from babel.core import get_global

    zone = get_global("zone_aliases").get(zone, zone)  # "Europe/Belfast" is "Europe/London"
    code = get_global("zone_territories").get(zone, "")
    return code if code.isalpha() and code != OTHER else ""


def country_for_user(user) -> str:
    """The country whose help lines the user sees; "" when none is known (then the fallback).

    Their choice in settings; else their time zone's country; else, for a
    user who reads the journal in Polish, Poland.
    """
    chosen = getattr(user, "help_country", "") or ""
    if chosen == OTHER:
        return ""
    if chosen in COUNTRIES:
        return chosen
    country = country_for_zone(getattr(user, "timezone", "") or "")
    if country in COUNTRIES:
        return country
    return "PL" if getattr(user, "language", "") == "pl" else ""


@dataclass(frozen=True)
class Help:
    """The help lines in one language, ready to show: a sentence each."""

    intro: str
    lines: tuple[str, ...]
    emergency: str
    country: str  # the country's name, or "" for the fallback

    def text(self) -> str:
        return " ".join((self.intro, *self.lines, self.emergency))

    def lines_text(self) -> str:
        """The lines and the emergency number alone: what a reply that already speaks with care gets."""
        return " ".join((*self.lines, self.emergency))


def help_for_user(*, user, language: str) -> Help:
    """The user's help lines, written in `language` (the language they wrote in, or the page's)."""
    return help_for(country=country_for_user(user), language=language)


def help_for(*, country: str, language: str) -> Help:
    """The help lines for a country ("" for unknown), written in `language`."""
    with override(language):
        known = COUNTRIES.get(country)
        intro = str(_("You don't have to face this alone, and you deserve support from a person right now."))
        if known is None:
            return Help(
                intro=intro,
                lines=(str(_("%(directory)s lists free, confidential help lines in your country.")
                           % {"directory": DIRECTORY.removeprefix("https://")}),),
                emergency=str(_("If you are in immediate danger, call your local emergency number "
                                "(112 in Europe, 911 in North America).")),
                country="",
            )
        lines = tuple(
            str(_("%(name)s: %(contact)s (%(about)s).") % {
                "name": line.name, "contact": line.contact, "about": line.about,
            })
            for line in known.lines
        )
        return Help(
            intro=intro,
            lines=lines,
            emergency=str(_("If you are in immediate danger, call %(number)s.") % {"number": known.emergency}),
            country=str(known.name),
        )


_NUMBER = re.compile(r"\d[\d -]*\d")


def help_markers(*, country: str) -> tuple[str, ...]:
    """What a reply must contain to count as carrying the help: every number of the country (or the directory)."""
    known = COUNTRIES.get(country)
    if known is None:
        return (DIRECTORY.removeprefix("https://"),)
    with override("en"):
        numbers = [number for line in known.lines for number in _NUMBER.findall(str(line.contact))]
    return (known.emergency, *numbers)
