from django import template
from django.utils.safestring import SafeString

from diary.emotions import EMOTIONS, MOODS
from diary.rendering import markdown_render

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


@register.inclusion_tag("diary/_mood.html")
def mood_badge(mood: int | None):
    return {"mood": mood, "label": mood_label(mood)}
