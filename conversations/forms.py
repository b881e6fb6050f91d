from django import forms
from django.utils.translation import gettext_lazy as _

from conversations.services import MESSAGE_MAX_CHARS


class MessageForm(forms.Form):
    content = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "maxlength": MESSAGE_MAX_CHARS,
                "autocomplete": "off",
                "aria-describedby": "compose-errors",
            }
        ),
        error_messages={
            "required": _("Write a message first."),
            "max_length": _("A message can be at most %(limit_value)d characters long (it has %(show_value)d)."),
        },
    )
