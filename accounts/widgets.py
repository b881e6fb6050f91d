"""Form widgets that render without Django's per-option templates."""

from functools import cache

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from django import forms
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import timezone_names

# The first part of a zone's name, as the select groups them (docs/writing.md, "Time zones").
REGIONS = {
    "Europe": _("Europe"), "America": _("Americas"), "Asia": _("Asia"), "Africa": _("Africa"),
    "Australia": _("Australia"), "Pacific": _("Pacific Ocean"), "Atlantic": _("Atlantic Ocean"),
    "Indian": _("Indian Ocean"), "Antarctica": _("Antarctica"), "Arctic": _("Arctic"),
}
OTHER_REGION = _("Other")


@cache
def timezone_choices() -> tuple[tuple[str, str], ...]:
    """Every IANA zone, sorted, labelled with spaces for underscores (the same in every language)."""
    return tuple((name, name.replace("_", " ")) for name in sorted(timezone_names()))


def timezone_label(name: str, language: str) -> str:
    """A zone as a reader of `language` knows it: its city and country from CLDR (Babel), "Warszawa (Polska)"."""
    try:
        city = get_timezone_location(name, locale=language, return_city=True)
    except (LookupError, ValueError):
        return name.replace("_", " ")
    territory = get_global("zone_territories").get(name)
    country = Locale.parse(language).territories.get(territory) if territory and territory != "001" else None
    return f"{city} ({country})" if country and country != city else city


@cache
def _timezone_options(language: str) -> tuple[dict[str, int], tuple[str, ...], tuple[str, ...]]:
    """<optgroup>s by region, each zone by its local name (and its IANA name for finding); once per language."""
    with translation.override(language):
        groups: dict[str, list[tuple[str, str]]] = {}
        for name, _label in timezone_choices():
            region = name.split("/", 1)[0] if "/" in name else ""
            groups.setdefault(region, []).append((timezone_label(name, language), name))
        order = [region for region in REGIONS if region in groups] + sorted(r for r in groups if r not in REGIONS)
        parts: list[str] = []
        chosen: list[str] = []
        positions: dict[str, int] = {}
        for region in order:
            parts.append(format_html('<optgroup label="{}">', REGIONS.get(region, OTHER_REGION)))
            chosen.append(parts[-1])
            for label, name in sorted(groups[region], key=lambda pair: pair[0].casefold()):
                positions[name] = len(parts)
                parts.append(format_html('<option value="{}" data-zone="{}">{}</option>', name, name, label))
                chosen.append(format_html('<option value="{}" data-zone="{}" selected>{}</option>', name, name, label))
            parts.append("</optgroup>")
            chosen.append("</optgroup>")
    return positions, tuple(parts), tuple(chosen)


class TimeZoneSelect(forms.Select):
    """The time-zone <select>, its ~600 options grouped by region in the reader's language, rendered once
    per process and language.

    Django's Select renders each option through a template, which made the
    settings page cost some 25 ms of CPU; here a render is one join.
    """

    def use_required_attribute(self, initial) -> bool:
        # Select's own check walks every choice for an empty first one; there is none here.
        return not self.is_hidden

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        positions, options, selected = _timezone_options(translation.get_language() or "en")
        chosen = positions.get(str(value) if value is not None else "")
        parts = list(options)
        if chosen is not None:
            parts[chosen] = selected[chosen]
        return mark_safe(  # noqa: S308 - every part was built by format_html  # nosec B308 B703
            format_html("<select{}>", flatatt(final_attrs)) + "".join(parts) + "</select>"
        )
