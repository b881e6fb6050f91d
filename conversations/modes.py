"""Conversation modes: codes are part of the public contract (/chat/<mode>/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    SUPPORTIVE = "supportive", _("Supportive")
    REFLECTIVE = "reflective", _("Reflective")
    COACHING = "coaching", _("Coaching")
    GRATITUDE = "gratitude", _("Gratitude")
