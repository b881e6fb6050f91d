from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from diary.emotions import MOOD_RANGE_MESSAGE, emotion_choices, mood_choices
from diary.services import (
    CONTENT_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_MAX,
    TEMPLATE_CONTENT_MAX_LENGTH,
    TEMPLATE_NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    tags_clean,
)

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class EntryForm(forms.Form):
    """The page editor's fields; the rules themselves live in diary.services."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Untitled"), "autocomplete": "off"}),
    )
    # Not required here: a mood alone is a check-in, and diary.services decides.
    content = forms.CharField(
        label=_("Entry"),
        max_length=CONTENT_MAX_LENGTH,
        strip=False,
        required=False,
        error_messages={
            "max_length": _(
                "An entry can be at most %(limit_value)s characters long (this one has %(show_value)s). "
                "Shorten it and save again; a text far over the limit is cut to it below."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": _("How was your day?"), "spellcheck": "true"}),
        help_text=_("Markdown works: **bold**, _italic_, lists, > quotes."),
    )
    created_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}, format=DATETIME_LOCAL_FORMAT),
        error_messages={"invalid": _("Enter a valid date and time.")},
    )
    mood = forms.TypedChoiceField(
        label=_("Mood"),
        choices=lambda: [("", _("not set")), *mood_choices()],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": MOOD_RANGE_MESSAGE},
    )
    emotion_tags = forms.MultipleChoiceField(
        label=_("Emotions"),
        choices=emotion_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown emotion: %(value)s.")},
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=TAGS_MAX * (TAG_MAX_LENGTH + 2),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "list": "tag-options", "placeholder": _("walk, Anna, office")}
        ),
        help_text=_("Your own tags: activities, people, places. Separate them with commas."),
    )
    exclude_from_ai = forms.BooleanField(
        label=_("Exclude from the companion"),
        required=False,
        help_text=_("The companion never reads this entry, even when you let it read your recent ones."),
    )

    def clean_tags(self) -> list[str]:
        try:
            return tags_clean(self.cleaned_data["tags"].split(","))
        except ValidationError as error:
            raise ValidationError(error.messages) from None


def tags_text(tags: list[str]) -> str:
    """The tags field's text for a list of tags."""
    return ", ".join(tags)


class EntryTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=TEMPLATE_NAME_MAX_LENGTH,
                           widget=forms.TextInput(attrs={"placeholder": _("Gratitude")}))
    content = forms.CharField(
        label=_("Text"),
        max_length=TEMPLATE_CONTENT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("Three things I am grateful for:\n1. \n2. \n3. ")}),
        help_text=_("A new entry started from this template begins with this text."),
    )
