"""Who writes the companion's replies, chosen by AI_PROVIDER.

- ``offline`` (the default) is built in: no network, no model. It tells what
  kind of message it got (a good thing named, a question, feelings, a few
  words, a topic such as work or family), answers that in the mode's own
  style and asks one question, choosing its wording so it does not repeat
  itself within the conversation and never repeats four or more of the user's
  words in a row. The same history always gives the same reply.
- ``openai`` talks to any OpenAI-compatible chat-completions server (Ollama,
  llama.cpp's server, vLLM, OpenAI itself) at AI_BASE_URL.

A provider receives a Context and nothing else (see conversations.context).
"""

import hashlib
import logging
import re
import time
from collections import Counter
from typing import Protocol

import requests
from django.conf import settings

from conversations import phrases
from conversations.context import Context
from diary.excerpts import fold
from diary.lexicon import emotions_detect
from diary.lexicon import valence as lexicon_valence

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

_DIAGNOSIS_QUESTIONS = (
    "do i have", "am i depressed", "is this depression", "is it depression", "diagnos", "disorder",
    "am i bipolar", "do i have adhd", "am i mentally ill", "czy mam depresj", "czy to depresja",
    "czy jestem chor", "czy to zaburzeni", "diagnoz", "zaburzeni", "czy mam adhd", "czy jestem nienormaln",
)

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


_WORDS = re.compile(r"[^\W_]+")
_QUESTION_START = re.compile(
    r"^(?:how|what|why|when|where|who|which|should|could|would|can|is|are|do|does|did|will|jak|co|czemu|"
    r"dlaczego|kiedy|gdzie|kto|czy|ile|po co)\b",
    re.IGNORECASE,
)
SHORT_WORDS = 3
ECHO_WORDS = 4


def _fold_words(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


def _starts(words: list[str], beginnings: tuple[str, ...]) -> bool:
    """Whether a word is one of the short `beginnings` (three letters or fewer) or starts with a longer one."""
    whole = {b for b in beginnings if len(b) <= 3}
    prefixes = tuple(b for b in beginnings if len(b) > 3)
    return any(word in whole or word.startswith(prefixes) for word in words)


def _topic(words: list[str]) -> str | None:
    for topic, beginnings in phrases.TOPIC_WORDS.items():
        if _starts(words, beginnings):
            return topic
    return None


def _gratitude_step(previous: list[str], language: str) -> int | None:
    """Which step of the gratitude practice the last reply asked about, if any."""
    if not previous:
        return None
    for step, questions in enumerate(phrases.GRATITUDE_STEPS[language]):
        if any(question in previous[-1] for question in questions):
            return step
    return None


def _is_question(text: str) -> bool:
    stripped = text.strip()
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped))


def _echoes(reply: str, message_words: list[str]) -> bool:
    """Whether the reply repeats ECHO_WORDS or more consecutive words of the message."""
    if len(message_words) < ECHO_WORDS:
        return False
    runs = {tuple(message_words[i:i + ECHO_WORDS]) for i in range(len(message_words) - ECHO_WORDS + 1)}
    said = _fold_words(reply)
    return any(tuple(said[i:i + ECHO_WORDS]) in runs for i in range(len(said) - ECHO_WORDS + 1))


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


def _feelings(codes: list[str], language: str) -> dict[str, str]:
    """The feelings heard, in each grammatical form a template may need."""
    forms = [phrases.FEELINGS[code] for code in codes if code in phrases.FEELINGS]
    return {
        name: _join([form[index] for form in forms], language)
        for index, name in enumerate(("feelings_adj", "feelings_noun", "feelings_nom", "feelings_acc"))
    }


def _join(labels: list[str], language: str) -> str:
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} {phrases.LIST_AND[language]} {labels[-1]}"


class OfflineProvider:
    """The built-in companion: reflective listening in its own words, never an echo of the user's."""

    name = "offline"
    model = "offline-1"
    background = False

    def reply(self, context: Context) -> str:
        language = context.language if context.language in ("en", "pl") else "en"
        text = context.last_message
        previous = [content for role, content in context.turns[:-1] if role == "assistant"]
        digest = hashlib.sha256(repr((context.mode, language, context.turns)).encode()).digest()
        words = _Wording(seed=int.from_bytes(digest[:8], "big"), previous_replies=previous)

        if context.care:
            # Only care here: no coaching, no gratitude. services adds the crisis resources.
            return " ".join(
                (
                    words.pick(phrases.CRISIS_OPENING[language], slot=0),
                    words.pick(phrases.CRISIS_QUESTION[language], slot=1),
                )
            )

        message_words = _fold_words(text)
        parts = self._compose(context=context, language=language, text=text, message_words=message_words,
                              previous=previous, words=words)
        reply = " ".join(parts)
        for attempt in range(1, 6):
            if not _echoes(reply, message_words):
                break
            # A wording that happens to repeat the user's own words: choose others.
            words = _Wording(seed=words.seed + attempt * 104729, previous_replies=previous)
            reply = " ".join(self._compose(context=context, language=language, text=text, message_words=message_words,
                                            previous=previous, words=words))
        return reply

    def _compose(
        self, *, context: Context, language: str, text: str, message_words: list[str], previous: list[str],
        words: _Wording,
    ) -> list[str]:
        """The parts of a reply: what was heard, the mode's own sentence, perhaps a note, one question."""
        mode = context.mode
        excerpt = _excerpt(text)
        emotions = emotions_detect(excerpt, limit=3)
        # The first feeling or valence word, read with its negation: "not happy" is hard, never good news.
        valence = lexicon_valence(excerpt) or "neutral"
        question = _is_question(text)
        short = len(message_words) <= SHORT_WORDS and not emotions
        asked = _gratitude_step(previous, language) if mode == "gratitude" else None
        greeting = short and _starts(message_words, phrases.GREETING_WORDS)
        # In the gratitude practice whatever is told that is not hard, a question or a greeting is a good
        # thing given (a sister's call is received, not analysed as "family").
        answered = mode == "gratitude" and not question and valence != "hard" and not greeting
        good_thing = answered and asked not in (1, 2)
        parts = []
        if _asks_for_diagnosis(text):
            # Reflecting "depression" back as a feeling would sound like an answer: say plainly we cannot.
            parts.append(words.pick(phrases.NO_DIAGNOSIS[language], slot=1))
        elif answered and not good_thing:
            parts.append(words.pick(phrases.GRATITUDE_NOTED[language], slot=0))
        elif good_thing:
            parts.append(words.pick(phrases.GRATITUDE_RECEIVED[language], slot=0))
        elif question:
            parts.append(words.pick(phrases.QUESTION_ACK[mode][language], slot=0))
        elif emotions:
            template = words.pick(phrases.REFLECT_FEELINGS[mode][language], slot=0)
            parts.append(template.format(**_feelings(emotions, language)))
        elif topic := _topic(message_words):
            parts.append(words.pick(phrases.TOPICS[topic][language], slot=0))
            short = False
        elif short and _starts(message_words, phrases.GREETING_WORDS):
            parts.append(words.pick(phrases.GREETING[language], slot=0))
        elif short:
            parts.append(words.pick(phrases.SHORT[language], slot=0))
        else:
            parts.append(words.pick(phrases.ACKNOWLEDGE[language], slot=0))

        if not answered and not (short and mode != "gratitude"):
            parts.append(words.pick(phrases.MODE_BODY[mode][valence][language], slot=2))

        note = self._entries_note(context, previous, words)
        if note:
            parts.append(note)

        parts.append(self._question(context, language, valence, previous, words, asked=asked, answered=answered))
        return parts

    @staticmethod
    def _entries_note(context: Context, previous: list[str], words: _Wording) -> str:
        """On the first reply, a word about a feeling that recurs in the entries the user shared."""
        if previous or not context.entries or context.mode not in ("supportive", "reflective"):
            return ""
        counts = Counter(code for note in context.entries for code in note.emotions if code in phrases.FEELINGS)
        recurring = [code for code, count in counts.most_common(1) if count >= 2]
        if not recurring:
            return ""
        label = phrases.FEELINGS[recurring[0]][1 if context.language == "en" else 2]
        return words.pick(phrases.ENTRIES_NOTE[context.language], slot=3).format(emotion=label)

    @staticmethod
    def _question(
        context: Context, language: str, valence: str, previous: list[str], words: _Wording, *,
        asked: int | None, answered: bool,
    ) -> str:
        if context.mode == "gratitude":
            steps = phrases.GRATITUDE_STEPS[language]
            if answered:
                # Go on from the step just answered; a good thing named unasked is asked about, not asked for.
                step = 1 if asked is None else asked + 1
                if step >= len(steps):  # the practice is done: start another round of good things
                    step = 3
            elif valence == "hard" or asked is None:  # after something hard, or at the start: a first good thing
                step = 0
            else:  # a question or an aside: the same step again, in other words
                step = asked
            return words.pick(steps[step], slot=4)
        if context.mode == "supportive" and valence != "hard":
            return words.pick(phrases.SUPPORTIVE_LIGHT_QUESTIONS[language], slot=4)
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
