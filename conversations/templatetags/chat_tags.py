from django import template

from conversations.care import crisis_detect, crisis_resources
from conversations.language import language_detect

register = template.Library()


@register.filter
def care_resources(message, default_language: str = "en") -> str:
    """The crisis resources for a user's message that speaks of crisis, in its language; else ''."""
    if not crisis_detect(message.content):
        return ""
    return crisis_resources(language=language_detect(message.content, default=default_language or "en"))
