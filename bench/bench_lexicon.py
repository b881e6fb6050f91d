"""How long the feelings reader takes on the longest text it reads, against a plain word scan.

    .venv/bin/python bench/bench_lexicon.py [--repeat 5]

Builds 100,000 characters of feeling words, negations and filler, loads the
word dictionaries first (a served process loads them when it starts,
docs/words.md), then times diary.lexicon.emotion_counts on a cold word cache
and on a warm one, best of --repeat runs each, beside re.findall(r"\\w+") over
the same text. The target is under 0.5 s of CPU for a cold read on this
machine's class of core.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")

import django

django.setup()

from diary.lexicon import LEXICON, emotion_counts  # noqa: E402
from journal_site import lemmas  # noqa: E402


def _cpu(call) -> float:
    start = time.thread_time()
    call()
    return time.thread_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    words = [stem.rstrip("$") for stems in LEXICON.values() for stem in stems] + ["not", "nie", "and", "the"]
    text = " ".join(words[i * 7 % len(words)] for i in range(20_000))[:100_000]
    lemmas.warm_up()
    scan = min(_cpu(lambda: re.findall(r"\w+", text)) for _ in range(repeat))
    cold = []
    for _ in range(repeat):
        for cached in (lemmas.lemma, lemmas.word_forms, lemmas.search_forms):
            cached.cache_clear()
        cold.append(_cpu(lambda: emotion_counts(text)))
    warm = min(_cpu(lambda: emotion_counts(text)) for _ in range(repeat))
    print(f"{len(text):,} characters, best of {repeat}")
    print(f"plain word scan        {scan * 1000:8.1f} ms")
    cold_best = min(cold)
    print(f"feelings, cold cache   {cold_best * 1000:8.1f} ms  ({cold_best / scan:,.0f}x the scan; target 500 ms)")
    print(f"feelings, warm cache   {warm * 1000:8.1f} ms  ({warm / scan:,.0f}x the scan)")


if __name__ == "__main__":
    main()
