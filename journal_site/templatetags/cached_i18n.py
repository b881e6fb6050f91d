"""Django's i18n template library, with `{% translate "literal" %}` looked up once per language.

Installed under the name `i18n` (settings.TEMPLATES, "libraries"), so every
`{% load i18n %}` gets it. Django resolves each `{% translate %}` anew on
every render (a lazy string, a catalogue lookup, escaping): a page has dozens
and the header alone cost a third of a millisecond. A constant message with
no filters gives the same output for the same language, message context and
escaping, so that output is kept per process; anything else (a variable, a
filter, a message context from a variable) is rendered by Django as usual.
makemessages reads the tags' text, not this code, so catalogues are unchanged.
"""

from django import template
from django.template.base import render_value_in_context
from django.templatetags import i18n as django_i18n
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

_rendered: dict[tuple, str] = {}


class CachedTranslateNode(django_i18n.TranslateNode):
    def _key(self, context) -> tuple | None:
        expression = self.filter_expression
        literal = getattr(expression.var, "literal", None)
        if literal is None or expression.filters:
            return None
        message_context = None
        if self.message_context is not None:
            message_context = getattr(self.message_context.var, "literal", None)
            if message_context is None or self.message_context.filters:
                return None
        return (translation.get_language(), literal, message_context, self.noop, context.autoescape)

    def _translate(self, message_context, autoescape: bool) -> str:
        """TranslateNode.render's own steps, for a constant message, without storing into `asvar`."""
        scratch = template.Context(autoescape=autoescape)
        self.filter_expression.var.translate = not self.noop
        if message_context is not None:
            self.filter_expression.var.message_context = message_context
        value = render_value_in_context(self.filter_expression.resolve(scratch), scratch)
        # Percent signs in template text are doubled so they are not read as format flags.
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        return mark_safe(value) if is_safe else value  # noqa: S308 - Django's own handling  # nosec B308 B703

    def render(self, context):
        key = self._key(context)
        if key is None:
            return super().render(context)
        value = _rendered.get(key)
        if value is None:
            value = _rendered[key] = self._translate(key[2], context.autoescape)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    node.__class__ = CachedTranslateNode
    return node
