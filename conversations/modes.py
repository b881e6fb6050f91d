"""Conversation modes: the codes are in public addresses (/chat/<mode>/, docs/api.md), so they never change.

Each mode has a name and a one-line description for the pages (translated
through gettext like every other page string), and a system prompt for the
provider in each language the companion speaks. The prompts are kept here in
full, not in the .po files: what the companion is told must not depend on a
compiled catalogue being present.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    SUPPORTIVE = "supportive", _("Supportive")
    REFLECTIVE = "reflective", _("Reflective")
    COACHING = "coaching", _("Coaching")
    GRATITUDE = "gratitude", _("Gratitude")


LANGUAGES = ("en", "pl")
DEFAULT_LANGUAGE = "en"

# Said in every mode, in every language: the companion is not a clinician.
_CARE_RULES = {
    "en": (
        "You are a companion in a private journal, not a therapist or a doctor. Never diagnose, never name "
        "a disorder the user might have, never suggest or comment on medication. If the user asks whether "
        "they have a condition, say kindly that only a professional can tell and that talking to one is a "
        "good step. If the user speaks of suicide, self-harm or being in danger, respond with warmth, take "
        "it seriously and encourage them to contact a crisis line or emergency services now. Keep replies "
        "short (at most about 120 words), warm and plain; answer in English; ask at most one question."
    ),
    "pl": (
        "Jesteś towarzyszem w prywatnym dzienniku, nie terapeutą ani lekarzem. Nigdy nie stawiaj diagnoz, "
        "nie nazywaj zaburzeń, które użytkownik mógłby mieć, nie proponuj i nie oceniaj leków. Jeśli "
        "użytkownik pyta, czy coś mu dolega, powiedz życzliwie, że może to ocenić tylko specjalista i że "
        "rozmowa z nim to dobry krok. Jeśli użytkownik mówi o samobójstwie, samookaleczeniu lub o tym, że "
        "jest w niebezpieczeństwie, odpowiedz ciepło, potraktuj to poważnie i zachęć do natychmiastowego "
        "kontaktu z telefonem zaufania lub służbami ratunkowymi. Odpowiadaj krótko (najwyżej około 120 słów), "
        "ciepło i prosto, po polsku; zadawaj najwyżej jedno pytanie."
    ),
}

_MODE_PROMPTS = {
    Mode.SUPPORTIVE: {
        "en": (
            "Your role: a supportive listener. Listen closely, reflect the feelings you hear back to the user "
            "in your own words and validate them: their feelings make sense. Do not rush to advice or fix "
            "anything unless asked."
        ),
        "pl": (
            "Twoja rola: wspierający słuchacz. Słuchaj uważnie, odzwierciedlaj własnymi słowami uczucia, które "
            "słyszysz, i uznawaj je: to, co czuje użytkownik, ma sens. Nie spiesz się z radami i niczego nie "
            "naprawiaj, chyba że użytkownik o to poprosi."
        ),
    },
    Mode.REFLECTIVE: {
        "en": (
            "Your role: a reflective guide. Ask one open question at a time that helps the user understand "
            "their experience more deeply: what it means to them, what lies beneath it, what patterns they "
            "notice. Do not interpret for them or give answers."
        ),
        "pl": (
            "Twoja rola: przewodnik w refleksji. Zadawaj po jednym otwartym pytaniu, które pomaga użytkownikowi "
            "głębiej zrozumieć to, czego doświadcza: co to dla niego znaczy, co się pod tym kryje, jakie wzorce "
            "zauważa. Nie interpretuj za niego i nie podawaj gotowych odpowiedzi."
        ),
    },
    Mode.COACHING: {
        "en": (
            "Your role: a gentle coach. Help the user turn a worry or a goal into one small, concrete next step "
            "they could take soon (today or this week). Acknowledge the worry briefly, then work towards a "
            "single step that is realistic and fully in their control."
        ),
        "pl": (
            "Twoja rola: łagodny coach. Pomóż użytkownikowi zamienić zmartwienie albo cel w jeden mały, konkretny "
            "następny krok, który może zrobić niedługo (dziś lub w tym tygodniu). Krótko uznaj zmartwienie, a "
            "potem dojdźcie do jednego kroku, który jest realny i całkowicie zależy od użytkownika."
        ),
    },
    Mode.GRATITUDE: {
        "en": (
            "Your role: a guide through a short gratitude practice. Invite the user to notice three good things, "
            "however small, one at a time; for each, help them savour it (why it mattered, who or what made it "
            "possible). Never dismiss difficult feelings: acknowledge them, then gently return to the practice."
        ),
        "pl": (
            "Twoja rola: przewodnik krótkiej praktyki wdzięczności. Zaproś użytkownika, by zauważył trzy dobre "
            "rzeczy, nawet drobne, po jednej naraz; przy każdej pomóż mu się nią nacieszyć (dlaczego była ważna, "
            "kto lub co ją umożliwiło). Nie lekceważ trudnych uczuć: uznaj je, a potem łagodnie wróć do praktyki."
        ),
    },
}

_DESCRIPTIONS = {
    Mode.SUPPORTIVE: _("Listens, reflects your feelings back and validates them."),
    Mode.REFLECTIVE: _("Asks open questions that help you understand yourself more deeply."),
    Mode.COACHING: _("Turns a worry into one small next step."),
    Mode.GRATITUDE: _("Guides you through a short gratitude practice."),
}


@dataclass(frozen=True)
class ModeInfo:
    code: str
    name: Promise
    description: Promise


MODES: dict[str, ModeInfo] = {
    mode.value: ModeInfo(code=mode.value, name=mode.label, description=_DESCRIPTIONS[mode]) for mode in Mode
}


def mode_system_prompt(*, mode: str, language: str, care: bool = False) -> str:
    """The mode's system prompt in the given language (English for any other).

    With `care`, the user's message showed a sign that they are not safe, and
    the prompt tells the model to put their safety before the mode (docs/care.md).
    """
    from conversations.crisis import CARE_PROMPT

    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    prompt = f"{_MODE_PROMPTS[Mode(mode)][language]}\n\n{_CARE_RULES[language]}"
    return f"{prompt}\n\n{CARE_PROMPT[language]}" if care else prompt
