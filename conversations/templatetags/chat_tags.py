from django import template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from conversations.crisis import care_help, crisis_detect
from journal_site.caching import kept_fragment
from journal_site.language import language_detect

register = template.Library()


@register.simple_tag(takes_context=True)
def care_for(context, message):
    """The help lines for a user's message that shows a sign of crisis, in its language; else None."""
    if not crisis_detect(message.content):
        return None
    user = context["request"].user
    return care_help(user=user, language=language_detect(message.content, default=user.language or "en"))


@register.simple_tag
def bubble(message) -> SafeString:
    """conversations/_bubble.html for one message, kept per process.

    A message is never edited, so its id, author and moment, the language and
    the time zone name everything the bubble shows (docs/caching.md, "Kept in
    each process").
    """
    # The author and the moment too: a database may hand a deleted message's id out again (SQLite in tests).
    key = (
        f"bubble:{message.pk}:{message.user_id}:{message.created_at.timestamp()}:{translation.get_language()}"
        f":{timezone.get_current_timezone_name()}"
    )
    return kept_fragment(key, lambda: render_to_string("conversations/_bubble.html", {"m": message}))
