"""How long the offline companion takes to write a reply (the issue asks for well under 10 ms).

    .venv/bin/python bench/chat_offline.py [replies]

Times the provider alone over conversations of growing length in every mode
and both languages, with a full 20-turn context at the end.
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")

import django

django.setup()

from conversations.context import Context  # noqa: E402
from conversations.modes import Mode, mode_system_prompt  # noqa: E402
from conversations.providers import OfflineProvider  # noqa: E402

MESSAGES = {
    "en": [
        "I had a hard day at work. My boss yelled at me and I feel anxious and tired.",
        "I'm proud I finished the project, but I'm worried about the next one.",
        "Lunch with my sister was lovely, we laughed a lot.",
        "I don't know what to do about my flat. Everything feels like too much. " * 5,
    ],
    "pl": [
        "Miałam dziś ciężki dzień w pracy, jestem zmęczona i zdenerwowana.",
        "Cieszę się, że skończyłem projekt, ale martwię się następnym.",
        "Obiad z siostrą był cudowny, dużo się śmiałyśmy.",
        "Nie wiem, co zrobić z mieszkaniem. Wszystkiego jest za dużo. " * 5,
    ],
}


def main(total: int) -> None:
    provider = OfflineProvider()
    timings = []
    while len(timings) < total:
        for language, texts in MESSAGES.items():
            for mode in Mode:
                turns: list[tuple[str, str]] = []
                for index in range(10):
                    turns.append(("user", texts[index % len(texts)]))
                    context = Context(
                        mode=mode.value,
                        language=language,
                        system_prompt=mode_system_prompt(mode=mode.value, language=language),
                        turns=tuple(turns[-20:]),
                    )
                    started = time.perf_counter()
                    reply = provider.reply(context)
                    timings.append(time.perf_counter() - started)
                    turns.append(("assistant", reply))
    timings.sort()
    ms = [t * 1000 for t in timings]
    print(
        f"{len(ms)} replies: median {statistics.median(ms):.3f} ms, "
        f"p95 {ms[int(len(ms) * 0.95)]:.3f} ms, p99 {ms[int(len(ms) * 0.99)]:.3f} ms, max {ms[-1]:.3f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4000)
