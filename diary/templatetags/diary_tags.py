from django import template
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from diary.emotions import EMOTIONS, MOODS
from diary.rendering import markdown_render
from diary.selectors import entry_excerpt

register = template.Library()


@register.filter
def emotion_label(code: str) -> str:
    label = EMOTIONS.get(code)
    return str(label) if label is not None else code


@register.filter
def mood_label(mood: int | None) -> str:
    step = MOODS.get(mood) if mood is not None else None
    return str(step["label"]) if step else ""


@register.filter
def markdown(text: str) -> SafeString:
    return markdown_render(text or "")


@register.filter
def excerpt(entry) -> str:
    return entry_excerpt(entry)


@register.inclusion_tag("diary/_mood.html")
def mood_badge(mood: int | None):
    return {"mood": mood, "label": mood_label(mood)}


@register.simple_tag
def entry_card(entry) -> SafeString:
    """diary/_entry_card.html for one entry, kept per process under what it shows.

    The key names the entry as last saved, the language and the time zone, so
    a kept card is never stale and needs no invalidation; the "fragments"
    cache lives in each process's memory and forgets a card after five
    minutes (docs/caching.md).
    """
    key = (
        f"entry-card:{entry.pk}:{entry.updated_at.timestamp()}:{translation.get_language()}"
        f":{timezone.get_current_timezone_name()}"
    )
    fragments = caches["fragments"]
    html = fragments.get(key)
    if html is None:
        html = render_to_string("diary/_entry_card.html", {"entry": entry})
        fragments.set(key, html)
    return mark_safe(html)  # noqa: S308 - rendered from our autoescaped template  # nosec B308 B703
