"""Django's form renderer, with the common widgets rendered in Python.

Django renders every widget, and every <option>, through templates: a form
of six fields cost a few milliseconds of CPU per page. For Django's own
input, select and textarea templates this renderer produces the same markup
directly (journal_site/tests/test_form_renderer.py compares both for each
widget); any other template (a project override, a multi-widget, a form or
field template) goes through the templates as usual.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

_WIDGETS = "django/forms/widgets/"
_INPUTS = frozenset(
    _WIDGETS + f"{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "password",
        "hidden",
        "number",
        "url",
        "date",
        "time",
        "datetime",
        "checkbox",
        "search",
        "tel",
        "color",
    )
)


def _attrs(attrs: dict) -> SafeString:
    """django/forms/widgets/attrs.html: False omits, True is a bare name, anything else name="str(value)"."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return SafeString("".join(parts))  # nosec B703 - every name and value escaped above


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = SafeString("") if value is None else format_html(' value="{}"', str(value))
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown, _attrs(widget["attrs"])
    )


def _select(widget: dict) -> str:
    parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = widget["value"] or ""
    return format_html('<textarea name="{}"{}>\n{}</textarea>', widget["name"], _attrs(widget["attrs"]), value)


_FAST = {**dict.fromkeys(_INPUTS, _input), _WIDGETS + "select.html": _select, _WIDGETS + "textarea.html": _textarea}


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        fast = _FAST.get(template_name)
        if fast is not None and "widget" in context:
            return SafeString(fast(context["widget"]))  # nosec B703 - built by format_html
        return super().render(template_name, context, request=request)
