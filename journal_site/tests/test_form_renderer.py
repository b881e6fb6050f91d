"""The fast widget renderer produces exactly what Django's widget templates produce."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from journal_site.form_renderer import FastWidgetRenderer

TRICKY = 'say "hi" & <b>bye</b>'

CASES = [
    (forms.TextInput(attrs={"autofocus": True, "disabled": False, "maxlength": 200, "placeholder": TRICKY}), TRICKY),
    (forms.TextInput(attrs={"data-none": None}), None),
    (forms.EmailInput(attrs={"autocomplete": "email"}), "a@example.com"),
    (forms.PasswordInput(), "secret"),
    (forms.PasswordInput(render_value=True), "se<cr>et"),
    (forms.HiddenInput(attrs={"data-detect-timezone": ""}), "Europe/Warsaw"),
    (forms.NumberInput(attrs={"min": 1, "max": 5}), 3),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), datetime.time(21, 30)),
    (forms.DateInput(), datetime.date(2026, 11, 27)),
    (forms.URLInput(), "https://example.com/?a=1&b=2"),
    (forms.Select(choices=[("en", "English"), ("pl", "Polski"), ("x", TRICKY)]), "pl"),
    (forms.Select(choices=[("", "---"), ("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")]), "b"),
    (forms.SelectMultiple(choices=[(1, "one"), (2, "two"), (3, "three")]), [1, 3]),
    (forms.Textarea(attrs={"rows": 4}), TRICKY + "\nline two"),
    (forms.Textarea(), ""),
    (forms.RadioSelect(choices=[("1", "one"), ("2", "two")]), "2"),  # not fast: falls back to templates
]


@pytest.mark.parametrize(("widget", "value"), CASES, ids=lambda case: type(case).__name__)
def test_same_markup_as_the_templates(widget, value):
    attrs = {"id": "id_field", "aria-describedby": "id_field_helptext", "required": True}
    expected = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
    assert widget.render("field", value, attrs=attrs, renderer=FastWidgetRenderer()) == expected


def test_forms_use_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastWidgetRenderer)
