"""Form widgets that render without Django's per-option templates."""

from functools import cache

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.models import timezone_names


@cache
def timezone_choices() -> tuple[tuple[str, str], ...]:
    """Every IANA zone, sorted, labelled with spaces for underscores (the same in every language)."""
    return tuple((name, name.replace("_", " ")) for name in sorted(timezone_names()))


@cache
def _timezone_options() -> tuple[dict[str, int], tuple[str, ...]]:
    options = tuple(format_html('<option value="{}">{}</option>', value, label) for value, label in timezone_choices())
    return {value: index for index, (value, _label) in enumerate(timezone_choices())}, options


class TimeZoneSelect(forms.Select):
    """The time-zone <select>, its ~600 options rendered once per process.

    Django's Select renders each option through a template, which made the
    settings page cost some 25 ms of CPU; here a render is one join.
    """

    def use_required_attribute(self, initial) -> bool:
        # Select's own check walks every choice for an empty first one; there is none here.
        return not self.is_hidden

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        positions, options = _timezone_options()
        chosen = positions.get(str(value) if value is not None else "")
        parts = list(options)
        if chosen is not None:
            parts[chosen] = format_html('<option value="{}" selected>{}</option>', *timezone_choices()[chosen])
        return mark_safe(  # noqa: S308 - every part was built by format_html  # nosec B308 B703
            format_html("<select{}>", flatatt(final_attrs)) + "".join(parts) + "</select>"
        )
