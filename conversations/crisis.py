"""Care in the companion: the same net under every provider (docs/care.md).

The user's message is read for signs that they are not safe (care.detector)
before any provider is asked, and whatever the provider answers, or if it
fails, the help lines for the user's country come with the reply: appended
to the stored reply, and shown beside a reply that failed or is still being
written. A configured model is told, in its system prompt, to put the
person's safety first.
"""

from care.detector import crisis_detect
from care.helplines import country_for_user, help_for, help_for_user, help_markers

__all__ = ["CARE_PROMPT", "care_help", "crisis_detect", "reply_with_care"]

care_help = help_for_user

# Added to the mode's system prompt when the user's message shows a sign of crisis.
CARE_PROMPT = {
    "en": (
        "The user's last message may mean they are not safe. Put their safety first: answer warmly and "
        "briefly, thank them for telling you, ask gently whether they are safe right now, and encourage them "
        "to reach one of the help lines that will be shown under your reply, or emergency services if they "
        "are in danger. Give no tips, exercises, steps or gratitude prompts now, and never play down what "
        "they said."
    ),
    "pl": (
        "Ostatnia wiadomość może oznaczać, że użytkownik nie jest bezpieczny. Jego bezpieczeństwo jest "
        "najważniejsze: odpowiedz ciepło i krótko, podziękuj, że o tym mówi, zapytaj łagodnie, czy jest teraz "
        "bezpieczny, i zachęć do kontaktu z jednym z telefonów pomocowych, które pojawią się pod Twoją "
        "odpowiedzią, albo ze służbami ratunkowymi, jeśli grozi mu niebezpieczeństwo. Nie dawaj teraz rad, "
        "ćwiczeń, kroków do zrobienia ani pytań o wdzięczność i nigdy nie umniejszaj tego, co napisał."
    ),
}


def reply_with_care(*, reply: str, user, language: str) -> str:
    """The reply with the user's help lines added, unless it already carries every one of them."""
    country = country_for_user(user)
    if all(marker in reply for marker in help_markers(country=country)):
        return reply
    return f"{reply.rstrip()}\n\n{help_for(country=country, language=language).lines_text()}"
