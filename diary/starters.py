"""Starter templates shipped with the journal, in every language it speaks (docs/writing.md).

A new writer has something to start from before making templates of their own:
each can be written with at once (``/diary/new/?starter=<slug>``) or copied into
the user's own templates, where it can be changed.
"""

from django.utils.translation import gettext_lazy as _

STARTERS = {
    "three-good-things": (
        _("Three good things"),
        _("## Three good things\n\n1. \n2. \n3. \n\n## Why they mattered\n\n"),
    ),
    "evening": (
        _("Evening look back"),
        _("## What happened today\n\n\n## How I felt\n\n\n## What I want to remember\n\n"),
    ),
    "morning": (
        _("Morning pages"),
        _("## How I slept and how I feel\n\n\n## What is on my mind\n\n\n## One thing I want from today\n\n"),
    ),
    "week": (
        _("The week"),
        _("## The week in a few lines\n\n\n## What went well\n\n\n## What was hard\n\n\n## Next week I want to\n\n"),
    ),
    "hard-day": (
        _("A hard day"),
        _("## What happened\n\n\n## What I felt, and where in my body\n\n\n## What would help a little now\n\n\n"
          "## Who I could tell\n\n"),
    ),
}


def starters() -> list[dict[str, str]]:
    """The starter templates in the active language: slug, name and text."""
    return [{"slug": slug, "name": str(name), "content": str(content)} for slug, (name, content) in STARTERS.items()]


def starter_content(slug: str) -> str | None:
    """A starter's text in the active language, or None for an unknown slug."""
    found = STARTERS.get(slug)
    return str(found[1]) if found else None
