"""Care: recognising a message about suicide, self-harm or danger, and the help to offer.

Whatever the provider answers, a reply to such a message carries the crisis
resources for the user's language (services.reply_generate adds them). The
phrases are matched on a folded copy of the text (lower case, Polish letters
without diacritics, one kind of apostrophe), so "chce umrzec" typed without
Polish letters is caught as well as "chcę umrzeć". A false alarm costs a
paragraph of phone numbers; a miss could cost far more, so the list errs on
the side of matching.
"""

import re
import unicodedata

_FOLD = str.maketrans(
    {
        **dict(zip("ąćęłńóśźż", "acelnoszz", strict=True)),
        "\u2019": "'",
        "\u2018": "'",
        "`": "'",
    }
)

_CRISIS_PHRASES = {
    "en": (
        "suicide", "suicidal", "kill myself", "killing myself", "end my life", "ending my life", "end it all",
        "take my own life", "taking my own life", "want to die", "wanna die", "wish i was dead",
        "wish i were dead", "better off dead", "don't want to live", "dont want to live",
        "do not want to live", "don't want to be alive", "no reason to live", "self-harm", "self harm",
        "selfharm", "harm myself", "harming myself", "hurt myself", "hurting myself", "cut myself",
        "cutting myself", "overdose", "i am in danger", "i'm in danger", "im in danger", "i am not safe",
        "i'm not safe", "im not safe", "don't feel safe", "afraid for my life", "scared for my life",
        "going to kill me", "gonna kill me", "threatening to kill", "he hits me", "she hits me",
        "being abused",
    ),
    "pl": (
        "samoboj", "zabic sie", "zabije sie", "sie zabic", "sie zabije", "zabilabym sie", "zabilbym sie",
        "odebrac sobie zycie",
        "odbiore sobie zycie", "skonczyc ze soba", "skoncze ze soba", "skonczyc z tym wszystkim",
        "nie chce zyc", "chce umrzec", "chcialabym umrzec", "chcialbym umrzec", "nie chce juz zyc",
        "lepiej by bylo gdyby mnie nie bylo", "nie ma po co zyc", "samookalecz", "okaleczam sie",
        "okaleczyc sie", "tne sie", "ciac sie", "pociac sie", "zrobic sobie krzywde", "zrobie sobie krzywde",
        "robie sobie krzywde", "przedawkowac", "przedawkuje", "jestem w niebezpieczenstwie",
        "nie jestem bezpieczn", "boje sie o swoje zycie", "boje sie o zycie", "zabije mnie",
        "grozi mi niebezpieczenstwo", "grozi mi smierc",
        "bije mnie", "krzywdzi mnie",
    ),
}


def _fold(text: str) -> str:
    # NFC first, so a letter typed as a base and a combining mark folds like the precomposed one.
    text = unicodedata.normalize("NFC", text).lower().translate(_FOLD)
    return re.sub(r"[\s,.;:!?\-]+", " ", text)


def _phrase_pattern() -> re.Pattern:
    phrases = sorted({_fold(p).strip() for group in _CRISIS_PHRASES.values() for p in group}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + ")")


_PATTERN = _phrase_pattern()


def crisis_detect(text: str) -> bool:
    """Whether the text speaks of suicide, self-harm or being in danger, in Polish or English."""
    return bool(_PATTERN.search(_fold(text)))


CRISIS_RESOURCES = {
    "en": (
        "You don't have to face this alone, and you deserve support from a person right now. "
        "If you are in immediate danger, call your local emergency number (112 in Europe, 911 in the US). "
        "In the US, call or text 988 (Suicide & Crisis Lifeline). "
        "In the UK and Ireland, call Samaritans on 116 123, free, day and night. "
        "Elsewhere, your local emergency number can put you in touch with a crisis line."
    ),
    "pl": (
        "Nie musisz mierzyć się z tym sam(a) i zasługujesz na wsparcie drugiej osoby już teraz. "
        "Zadzwoń pod 116 123: telefon zaufania dla dorosłych w kryzysie emocjonalnym. "
        "Jeśli grozi Ci bezpośrednie niebezpieczeństwo, zadzwoń pod numer alarmowy 112."
    ),
}

# What must appear in a reply for it to count as carrying the resources.
_RESOURCE_MARKERS = {"en": ("988", "116 123"), "pl": ("116 123", "112")}


def crisis_resources(*, language: str) -> str:
    return CRISIS_RESOURCES.get(language, CRISIS_RESOURCES["en"])


def reply_with_care(*, reply: str, language: str) -> str:
    """The reply with the crisis resources added, unless it already has them all."""
    markers = _RESOURCE_MARKERS.get(language, _RESOURCE_MARKERS["en"])
    if all(marker in reply for marker in markers):
        return reply
    return f"{reply.rstrip()}\n\n{crisis_resources(language=language)}"
