"""Who writes the companion's replies, chosen by AI_PROVIDER.

- ``offline`` (the default) is built in: no network, no model. It recognises
  emotions with the diary's lexicon, reflects them back, and asks a question
  fitting the mode, choosing its wording so it does not repeat itself within
  the conversation. The same history always gives the same reply.
- ``openai`` talks to any OpenAI-compatible chat-completions server (Ollama,
  llama.cpp's server, vLLM, OpenAI itself) at AI_BASE_URL.

A provider receives a Context and nothing else (see conversations.context).
"""

import hashlib
import logging
import time
from collections import Counter
from typing import Protocol

import requests
from django.conf import settings
from django.utils import translation

from conversations import phrases
from conversations.care import crisis_detect
from conversations.context import Context
from diary.emotions import EMOTIONS
from diary.lexicon import emotions_detect

logger = logging.getLogger(__name__)


class ProviderError(Exception):
    """The provider could not produce a reply: down, too slow, or an answer we cannot read."""


class Provider(Protocol):
    name: str
    model: str
    # Whether replies take long enough to be written in a background task.
    background: bool

    def reply(self, context: Context) -> str: ...


def provider_get() -> Provider:
    if settings.AI_PROVIDER == "openai":
        return OpenAIProvider(
            base_url=settings.AI_BASE_URL,
            model=settings.AI_MODEL,
            api_key=settings.AI_API_KEY,
            timeout=settings.AI_TIMEOUT_SECONDS,
        )
    return OfflineProvider()


# --- offline ------------------------------------------------------------------------------

HARD_EMOTIONS = frozenset(
    {
        "fear", "sadness", "disgust", "anger", "tired", "stressed", "anxious", "lonely", "bored",
        "confused", "frustrated", "guilty", "ashamed", "overwhelmed",
    }
)
GOOD_EMOTIONS = frozenset(
    {
        "joy", "trust", "anticipation", "calm", "grateful", "proud", "hopeful", "loved", "content",
        "excited", "relieved", "inspired",
    }
)

_DIAGNOSIS_QUESTIONS = (
    "do i have", "am i depressed", "is this depression", "is it depression", "diagnos", "disorder",
    "am i bipolar", "do i have adhd", "am i mentally ill", "czy mam depresj", "czy to depresja",
    "czy jestem chor", "czy to zaburzeni", "diagnoz", "zaburzeni", "czy mam adhd", "czy jestem nienormaln",
)

_QUOTE_CHARS = 90
# Emotions are read from the start and the end of a message, this many characters of each: the
# start and the end say how the writer feels, and the reply stays quick.
_ANALYSED_CHARS = 300


def _excerpt(text: str) -> str:
    """The start and the end of a long message: enough to hear its feelings, and fast."""
    if len(text) <= 2 * _ANALYSED_CHARS:
        return text
    return f"{text[:_ANALYSED_CHARS]}\n{text[-_ANALYSED_CHARS:]}"


def _asks_for_diagnosis(text: str) -> bool:
    lowered = text.lower()
    return any(phrase in lowered for phrase in _DIAGNOSIS_QUESTIONS)


def _sentences(text: str) -> list[str]:
    sentences, current = [], []
    for ch in text:
        current.append(ch)
        if ch in ".!?\n":
            sentence = "".join(current).strip()
            if sentence:
                sentences.append(sentence)
            current = []
    tail = "".join(current).strip()
    if tail:
        sentences.append(tail)
    return sentences


def _quote(text: str) -> str:
    """A short piece of what the user wrote: its first sentence (used when no feeling was named)."""
    all_sentences = _sentences(text[: 4 * _QUOTE_CHARS * 3])
    sentences = [s for s in all_sentences if len(s.split()) >= 2] or all_sentences or [text.strip()[:_QUOTE_CHARS * 2]]
    chosen = sentences[0]
    chosen = " ".join(chosen.split()).rstrip(".!?…,;: ")
    if len(chosen) > _QUOTE_CHARS:
        chosen = chosen[:_QUOTE_CHARS].rsplit(" ", 1)[0].rstrip(".,;: ") + "…"
    return chosen


class _Wording:
    """Chooses variants deterministically, avoiding those already used in the conversation."""

    def __init__(self, *, seed: int, previous_replies: list[str]):
        self.seed = seed
        self.previous = previous_replies  # oldest first

    @staticmethod
    def _fingerprint(template: str) -> str:
        """The longest fixed part of a template, which shows whether it was used."""
        parts = [part for chunk in template.split("{") for part in chunk.split("}")[-1:]]
        return max(parts, key=len).strip()

    def _last_use(self, template: str) -> int:
        fingerprint = self._fingerprint(template)
        if not fingerprint:
            return -1
        for index in range(len(self.previous) - 1, -1, -1):
            if fingerprint in self.previous[index]:
                return index
        return -1

    def pick(self, options: tuple[str, ...], *, slot: int) -> str:
        start = (self.seed + slot * 7919) % len(options)
        ordered = options[start:] + options[:start]
        # Unused variants first (in seeded order); if all were used, the one used longest ago.
        return min(ordered, key=lambda option: self._last_use(option))


def _join(labels: list[str], language: str) -> str:
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} {phrases.LIST_AND[language]} {labels[-1]}"


class OfflineProvider:
    """The built-in companion: reflective listening made of the user's own words."""

    name = "offline"
    model = "offline-1"
    background = False

    def reply(self, context: Context) -> str:
        language = context.language if context.language in ("en", "pl") else "en"
        text = context.last_message
        previous = [content for role, content in context.turns[:-1] if role == "assistant"]
        digest = hashlib.sha256(repr((context.mode, language, context.turns)).encode()).digest()
        words = _Wording(seed=int.from_bytes(digest[:8], "big"), previous_replies=previous)

        if crisis_detect(text):
            # Only care here: no coaching, no gratitude. services adds the crisis resources.
            return " ".join(
                (
                    words.pick(phrases.CRISIS_OPENING[language], slot=0),
                    words.pick(phrases.CRISIS_QUESTION[language], slot=1),
                )
            )

        emotions = emotions_detect(_excerpt(text), limit=3)
        asks_for_diagnosis = _asks_for_diagnosis(text)
        parts = []
        if asks_for_diagnosis:
            # Reflecting "depression" back as a feeling would sound like an answer: say plainly we cannot.
            parts.append(words.pick(phrases.NO_DIAGNOSIS[language], slot=1))
        elif emotions:
            with translation.override(language):
                labels = [str(EMOTIONS[code]) for code in emotions]
            template = words.pick(phrases.REFLECT_EMOTIONS[language], slot=0)
            parts.append(template.format(emotions=_join(labels, language)))
        else:
            parts.append(words.pick(phrases.REFLECT_QUOTE[language], slot=0).format(quote=_quote(text)))

        valence = next(
            ("hard" if code in HARD_EMOTIONS else "good" for code in emotions if code in HARD_EMOTIONS | GOOD_EMOTIONS),
            "neutral",
        )
        parts.append(words.pick(phrases.MODE_BODY[context.mode][valence][language], slot=2))

        note = self._entries_note(context, previous, words)
        if note:
            parts.append(note)

        parts.append(self._question(context, language, valence, previous, words))
        return " ".join(parts)

    @staticmethod
    def _entries_note(context: Context, previous: list[str], words: _Wording) -> str:
        """On the first reply, a word about a feeling that recurs in the entries the user shared."""
        if previous or not context.entries or context.mode not in ("supportive", "reflective"):
            return ""
        counts = Counter(code for note in context.entries for code in note.emotions if code in EMOTIONS)
        recurring = [code for code, count in counts.most_common(1) if count >= 2]
        if not recurring:
            return ""
        with translation.override(context.language):
            label = str(EMOTIONS[recurring[0]])
        return words.pick(phrases.ENTRIES_NOTE[context.language], slot=3).format(emotion=label)

    @staticmethod
    def _question(context: Context, language: str, valence: str, previous: list[str], words: _Wording) -> str:
        if context.mode == "gratitude":
            steps = phrases.GRATITUDE_STEPS[language]
            step = len(previous)
            if valence == "hard":  # after something hard, invite a first small good thing again
                step = 0
            elif step >= len(steps):  # the practice is done: start another round of good things
                step = 3 + (step - len(steps)) % (len(steps) - 3)
            return words.pick(steps[step], slot=4)
        return words.pick(phrases.MODE_QUESTIONS[context.mode][language], slot=4)


# --- OpenAI-compatible --------------------------------------------------------------------------

# Seconds to wait before the first and the second retry.
RETRY_BACKOFF = (0.5, 1.5)
_MAX_REPLY_CHARS = 8000


class OpenAIProvider:
    """Chat completions over HTTP: a timeout, and two retries on connection errors and 5xx."""

    name = "openai"
    background = True

    def __init__(self, *, base_url: str, model: str, api_key: str, timeout: float):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def reply(self, context: Context) -> str:
        payload = {"model": self.model, "messages": context.provider_messages(), "temperature": 0.7, "stream": False}
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        attempts = len(RETRY_BACKOFF) + 1
        for attempt in range(attempts):
            if attempt:
                time.sleep(RETRY_BACKOFF[attempt - 1])
            try:
                response = requests.post(
                    self.url,
                    json=payload,
                    headers=headers,
                    timeout=(min(5.0, self.timeout), self.timeout),
                    allow_redirects=False,
                )
            except requests.ConnectionError as error:
                # Includes a connect timeout: the request never reached the model, so trying again is safe.
                logger.warning("AI provider unreachable (attempt %d of %d)", attempt + 1, attempts)
                last_error: Exception = error
                continue
            except requests.Timeout as error:
                raise ProviderError("the provider did not answer in time") from error
            except requests.RequestException as error:
                raise ProviderError("the request to the provider failed") from error
            if response.status_code >= 500:
                logger.warning(
                    "AI provider answered %d (attempt %d of %d)", response.status_code, attempt + 1, attempts
                )
                last_error = ProviderError(f"the provider answered {response.status_code}")
                continue
            if response.status_code != 200:
                logger.warning("AI provider refused the request with %d", response.status_code)
                raise ProviderError(f"the provider answered {response.status_code}")
            return self._content(response)
        raise ProviderError("the provider is unavailable") from last_error

    @staticmethod
    def _content(response: requests.Response) -> str:
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise ProviderError("the provider's answer could not be read") from error
        if not isinstance(content, str) or not content.strip():
            raise ProviderError("the provider's answer was empty")
        return content.strip()[:_MAX_REPLY_CHARS]
