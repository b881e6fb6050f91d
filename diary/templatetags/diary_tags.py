from django import template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from diary.emotions import EMOTIONS, MOODS
from diary.rendering import markdown_render
from journal_site.caching import kept_fragment

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


@register.simple_tag
def entry_card(entry, level: int = 2) -> SafeString:
    """diary/_entry_card.html for one entry, kept per process under what it shows.

    The key names the entry as last saved, the language, the time zone and the
    heading level, so a kept card is never stale and needs no invalidation; the
    "fragments" cache lives in each process's memory and forgets a card after
    five minutes (docs/caching.md). A search's card marks the matches
    (`marked_title`, set by selectors.entry_highlight) and is never kept.
    """
    if hasattr(entry, "marked_title"):
        return mark_safe(  # noqa: S308 - rendered from our autoescaped template  # nosec B308 B703
            render_to_string("diary/_entry_card.html", {"entry": entry, "level": level, "searching": True})
        )
    key = (
        f"entry-card:{entry.pk}:{entry.user_id}:{entry.updated_at.timestamp()}:{translation.get_language()}"
        f":{timezone.get_current_timezone_name()}:{level}"
    )
    return kept_fragment(key, lambda: render_to_string("diary/_entry_card.html", {"entry": entry, "level": level}))


@register.simple_tag
def draft_owner(user) -> str:
    """Whose drafts the browser keeps: an opaque per-user id (not the username), so one
    person's unsaved draft is never offered to the next account in the same browser."""
    from django.utils.crypto import salted_hmac

    return salted_hmac("diary.draft-owner", str(user.pk)).hexdigest()[:24]


@register.simple_tag
def photo_space(user) -> dict:
    """What the settings page says of the user's photo space (docs/photos.md, Quota and limits)."""
    from diary.attachments import photo_space as space

    return space(user_id=user.pk)
