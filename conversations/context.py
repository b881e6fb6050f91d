"""What is sent to a provider: exactly this, and nothing else about the user.

A Context holds the mode's system prompt in the user's language, the recent
turns of that mode's conversation, and (only with the user's consent) short
notes on recent entries not excluded from the companion. No name, email, id
or any other field of the user goes in, so none can leave the server.
"""

import hashlib
import json
from dataclasses import dataclass

from django.utils import translation

from conversations import selectors
from conversations.models import ConversationHistory
from conversations.modes import mode_system_prompt
from diary.emotions import EMOTIONS
from journal_site.language import language_detect

_ENTRIES_HEADING = {
    "en": "With the user's consent, short notes on their recent diary entries (newest first):",
    "pl": "Za zgodą użytkownika krótkie notatki z jego ostatnich wpisów w dzienniku (od najnowszego):",
}
_MOOD = {"en": "mood", "pl": "nastrój"}
_FEELINGS = {"en": "emotions", "pl": "emocje"}


@dataclass(frozen=True)
class Context:
    mode: str
    language: str
    system_prompt: str
    turns: tuple[tuple[str, str], ...]  # (role, content), oldest first; the last is the user's message
    entries: tuple[selectors.EntryNote, ...] = ()
    # The user's message shows a sign that they are not safe (care.detector): safety comes first.
    care: bool = False

    @property
    def last_message(self) -> str:
        return self.turns[-1][1]

    def entries_summary(self) -> str:
        if not self.entries:
            return ""
        lines = [_ENTRIES_HEADING[self.language]]
        with translation.override(self.language):
            for note in self.entries:
                details = [note.date]
                if note.mood is not None:
                    details.append(f"{_MOOD[self.language]} {note.mood}/5")
                if note.emotions:
                    labels = ", ".join(str(EMOTIONS.get(code, code)) for code in note.emotions)
                    details.append(f"{_FEELINGS[self.language]}: {labels}")
                title = f" \"{note.title}\"" if note.title else ""
                lines.append(f"- {'; '.join(details)}.{title} {note.excerpt}".rstrip())
        return "\n".join(lines)

    def provider_messages(self) -> list[dict[str, str]]:
        """The chat-completions `messages` list: the whole of what a provider receives about the user."""
        system = self.system_prompt
        summary = self.entries_summary()
        if summary:
            system = f"{system}\n\n{summary}"
        return [{"role": "system", "content": system}] + [
            {"role": role, "content": content} for role, content in self.turns
        ]

    def cache_key(self, *, provider: str, model: str, user_id: int, scope: str) -> str:
        """ai:response:{sha256 over the user, their scope token, provider, model, mode and the exact context}.

        The key carries no text, only a digest. It is the user's own: two users
        with byte-identical contexts never share a reply (a shared one would tell
        the second what the first wrote), and a new scope token forgets every
        reply cached before it (conversations/reply_cache.py).
        """
        payload = json.dumps(
            {"user": user_id, "scope": scope, "provider": provider, "model": model, "mode": self.mode,
             "messages": self.provider_messages()},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        return f"ai:response:{hashlib.sha256(payload.encode()).hexdigest()}"


def context_build(*, message: ConversationHistory, care: bool = False) -> Context:
    """The context for replying to a user's message; `message.user` should be loaded."""
    user = message.user
    language = language_detect(message.content, default=user.language)
    return Context(
        mode=message.mode,
        language=language,
        care=care,
        system_prompt=mode_system_prompt(mode=message.mode, language=language, care=care),
        turns=tuple(selectors.context_history(message=message)),
        entries=tuple(selectors.entry_notes_for_ai(user=user)),
    )
