"""The fixed vocabulary of emotion codes and the mood scale."""

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Plutchik's eight basic emotions first, then the everyday ones people journal about.
EMOTIONS: dict[str, str] = {
    "joy": _("joy"),
    "trust": _("trust"),
    "fear": _("fear"),
    "surprise": _("surprise"),
    "sadness": _("sadness"),
    "disgust": _("disgust"),
    "anger": _("anger"),
    "anticipation": _("anticipation"),
    "calm": _("calm"),
    "grateful": _("grateful"),
    "proud": _("proud"),
    "hopeful": _("hopeful"),
    "loved": _("loved"),
    "content": _("content"),
    "excited": _("excited"),
    "relieved": _("relieved"),
    "inspired": _("inspired"),
    "tired": _("tired"),
    "stressed": _("stressed"),
    "anxious": _("anxious"),
    "lonely": _("lonely"),
    "bored": _("bored"),
    "confused": _("confused"),
    "frustrated": _("frustrated"),
    "guilty": _("guilty"),
    "ashamed": _("ashamed"),
    "overwhelmed": _("overwhelmed"),
    "nostalgic": _("nostalgic"),
}

EMOTION_CODES = frozenset(EMOTIONS)

MOOD_MIN, MOOD_MAX = 1, 5

# Words and colours for each step; the colours keep enough contrast with
# white text in both themes.
MOODS: dict[int, dict] = {
    1: {"label": _("awful"), "color": "#b23b3b"},
    2: {"label": _("bad"), "color": "#c7732a"},
    3: {"label": _("okay"), "color": "#8a7d1f"},
    4: {"label": _("good"), "color": "#4d8a3a"},
    5: {"label": _("great"), "color": "#2b68a8"},
}


def emotion_choices() -> list[tuple[str, str]]:
    """(code, label) pairs in the active language, in vocabulary order."""
    return [(code, str(label)) for code, label in EMOTIONS.items()]


def mood_choices() -> list[tuple[int, str]]:
    return [(value, str(mood["label"])) for value, mood in MOODS.items()]


def _mood_range_message() -> str:
    return gettext("Mood is a whole number from %(min)s to %(max)s.") % {"min": MOOD_MIN, "max": MOOD_MAX}


# The one wording of a bad mood, for forms, filters and the API alike.
MOOD_RANGE_MESSAGE = lazy(_mood_range_message, str)()


# The editor groups the vocabulary by how an emotion feels, as the mood-meter
# quadrants do: pleasant, unpleasant, and the few that can go either way.
EMOTION_GROUPS: list[tuple[str, str, list[str]]] = [
    ("pleasant", _("Pleasant"), [
        "joy", "calm", "grateful", "content", "loved", "proud", "hopeful", "excited", "relieved", "inspired", "trust",
    ]),
    ("unpleasant", _("Unpleasant"), [
        "tired", "stressed", "anxious", "sadness", "frustrated", "overwhelmed", "lonely", "anger", "fear", "bored",
        "confused", "guilty", "ashamed", "disgust",
    ]),
    ("mixed", _("Either way"), ["surprise", "anticipation", "nostalgic"]),
]
