"""Daily writing prompts shipped with the journal, in every language it speaks (docs/writing.md).

The prompt of the day is picked by the user's local date, so it stays the same
all day however often the editor is opened, and changes at their midnight.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

PROMPTS = [
    _("What made you smile today?"),
    _("What is on your mind right now?"),
    _("Name three things you are grateful for."),
    _("What drained your energy today, and what gave some back?"),
    _("Who did you think about today, and why?"),
    _("What would make tomorrow a good day?"),
    _("What did you learn today, about anything?"),
    _("Describe a small moment from today in detail."),
    _("What are you looking forward to?"),
    _("What is something you handled well recently?"),
    _("What would you tell a friend who had your day?"),
    _("What do you want to remember about this week?"),
    _("Where did you feel most like yourself today?"),
    _("What is one thing you can let go of tonight?"),
]


def prompt_index(day: date) -> int:
    """Which prompt a day has: the same for everyone on that date."""
    return day.toordinal() % len(PROMPTS)


def prompt_for(day: date) -> str:
    """The prompt of a day, in the active language."""
    return str(PROMPTS[prompt_index(day)])


def prompt_at(index: int) -> str:
    """Any prompt by its place in the list (wrapping round): "another prompt" walks through them."""
    return str(PROMPTS[index % len(PROMPTS)])


def prompt_as_text(prompt: str) -> str:
    """A prompt as the start of an entry: a heading and room to write under it."""
    return f"## {prompt}\n\n"
