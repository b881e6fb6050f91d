from django import forms
from django.utils.translation import gettext_lazy as _

from diary.emotions import MOOD_RANGE_MESSAGE, emotion_choices, mood_choices
from diary.services import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class EntryForm(forms.Form):
    """The page editor's fields; the rules themselves live in diary.services."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Untitled"), "autocomplete": "off"}),
    )
    content = forms.CharField(
        label=_("Entry"),
        max_length=CONTENT_MAX_LENGTH,
        strip=False,
        error_messages={
            "required": _("Write something first."),
            "max_length": _(
                "An entry can be at most %(limit_value)s characters long (this one has %(show_value)s). "
                "Shorten it and save again; a text far over the limit is cut to it below."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": _("How was your day?"), "spellcheck": "true"}),
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
    exclude_from_ai = forms.BooleanField(
        label=_("Exclude from the companion"),
        required=False,
        help_text=_("The companion never reads this entry, even when you let it read your recent ones."),
    )
